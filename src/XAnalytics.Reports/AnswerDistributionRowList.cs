using System.Collections;

namespace XAnalytics.Reports;

/// <summary>
/// <see cref="AnswerDistributionSection.Rows"/>: the rows kept as 44-byte <see cref="AnswerDistributionItem"/>s (texts
/// by id in an <see cref="InternedBytes"/>, each text once), each <see cref="AnswerDistributionRow"/> made (its texts
/// decoded) when read.
/// </summary>
internal sealed class AnswerDistributionRowList : IReadOnlyList<AnswerDistributionRow>
{
    private readonly AnswerDistributionItem[] _items;
    private readonly string[] _courses;
    private readonly InternedBytes _texts;

    /// <param name="items">The rows, in the table's order.</param>
    /// <param name="courses">The course ids by course index.</param>
    /// <param name="texts">The rows' texts.</param>
    public AnswerDistributionRowList(AnswerDistributionItem[] items, string[] courses, InternedBytes texts)
    {
        (_items, _courses, _texts) = (items, courses, texts);
    }

    public int Count => _items.Length;

    public AnswerDistributionRow this[int index]
    {
        get
        {
            ref readonly AnswerDistributionItem r = ref _items[index];
            return new AnswerDistributionRow(
                _courses[r.Course], _texts.GetString(r.ModuleId), _texts.GetString(r.PartId), r.Correct, r.First, r.Last, _texts.GetString(r.ValueId),
                _texts.GetString(r.AnswerValue), _texts.GetString(r.Variant), _texts.GetString(r.DisplayName), _texts.GetString(r.Question));
        }
    }

    public IEnumerator<AnswerDistributionRow> GetEnumerator()
    {
        for (int i = 0; i < _items.Length; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Sorts <paramref name="items"/> as the table is: by course id, module, part, value id, answer value and variant
    /// (ordinal, as strings compare), then by the other columns: a total order of the rows' text.
    /// </summary>
    public static void Sort(Span<AnswerDistributionItem> items, string[] courses, InternedBytes texts) => items.Sort(new TableOrder(courses, texts));

    private readonly struct TableOrder(string[] courses, InternedBytes texts) : IComparer<AnswerDistributionItem>
    {
        public int Compare(AnswerDistributionItem a, AnswerDistributionItem b)
        {
            int c = string.CompareOrdinal(courses[a.Course], courses[b.Course]);
            c = c != 0 ? c : Text(a.ModuleId, b.ModuleId);
            c = c != 0 ? c : Text(a.PartId, b.PartId);
            c = c != 0 ? c : Text(a.ValueId, b.ValueId);
            c = c != 0 ? c : Text(a.AnswerValue, b.AnswerValue);
            c = c != 0 ? c : Text(a.Variant, b.Variant);

            // Rows alike so far (a variant "" and one absent are two groups to edX, both written empty): every other
            // column, so that equal inputs give equal files whatever order the threads met the answers in.
            c = c != 0 ? c : a.Correct.CompareTo(b.Correct);
            c = c != 0 ? c : a.First.CompareTo(b.First);
            c = c != 0 ? c : a.Last.CompareTo(b.Last);
            c = c != 0 ? c : Text(a.DisplayName, b.DisplayName);
            return c != 0 ? c : Text(a.Question, b.Question);
        }

        private int Text(int a, int b) => a == b ? 0 : InternedBytes.CompareOrdinal(texts[a], texts[b]);
    }
}
