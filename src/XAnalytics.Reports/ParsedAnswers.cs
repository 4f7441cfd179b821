using System.Text;

namespace XAnalytics.Reports;

/// <summary>
/// The answers of the submissions a problem response worker parsed lately (see
/// <see cref="ProblemResponseSection.AddAnswers"/>), their texts as UTF-8 in one buffer kept from bucket to bucket: an
/// answer is its id's text, then its question's, then its values', in consecutive text ids. Strings were 217 MiB of
/// the completion's allocations over 8M generated events, its memory peak.
/// </summary>
internal sealed class ParsedAnswers
{
    private readonly RecordBuffer<byte> _bytes = new();
    private readonly RecordBuffer<int> _ends = new(); // text i is _bytes[(i == 0 ? 0 : _ends[i - 1]).._ends[i]]
    private readonly RecordBuffer<(int FirstText, int Values, bool? Correct)> _answers = new();
    private byte[] _scratch = new byte[256];

    /// <summary>The answers held.</summary>
    public int Count => _answers.Count;

    /// <summary>Where the next answer's texts start (its id's text id).</summary>
    public int TextCount => _ends.Count;

    /// <summary>Answer <paramref name="i"/>: its first text (the id; the question next, then the values), how many values, whether correct.</summary>
    public (int FirstText, int Values, bool? Correct) this[int i] => _answers.Items[i];

    /// <summary>The UTF-8 of text <paramref name="id"/>.</summary>
    public ReadOnlySpan<byte> Text(int id)
    {
        int start = id == 0 ? 0 : _ends.Items[id - 1];
        return _bytes.Items.AsSpan(start, _ends.Items[id] - start);
    }

    /// <summary>Adds a text (valid UTF-8, not in this buffer).</summary>
    public void AddText(ReadOnlySpan<byte> utf8)
    {
        _bytes.AddRange(utf8);
        _ends.Add(_bytes.Count);
    }

    /// <summary>Adds a text as its UTF-8 (<see cref="Encoding.UTF8"/>'s bytes, as the row records had it of strings).</summary>
    public void AddText(string text)
    {
        int most = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_scratch.Length < most)
        {
            _scratch = new byte[Math.Max(most, _scratch.Length * 2)];
        }

        AddText(_scratch.AsSpan(0, Encoding.UTF8.GetBytes(text, _scratch)));
    }

    /// <summary>Adds an answer whose texts (id, question, <paramref name="values"/> values) were added from <paramref name="firstText"/> on.</summary>
    public void Add(int firstText, int values, bool? correct) => _answers.Add((firstText, values, correct));

    /// <summary>Takes back the answers and texts added since there were <paramref name="answers"/> and <paramref name="texts"/>.</summary>
    public void Truncate(int answers, int texts)
    {
        _answers.Truncate(answers);
        _ends.Truncate(texts);
        _bytes.Truncate(texts == 0 ? 0 : _ends.Items[texts - 1]);
    }

    public void Clear() => Truncate(0, 0);
}
