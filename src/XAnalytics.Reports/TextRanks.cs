namespace XAnalytics.Reports;

/// <summary>
/// The texts a section keys by hash (usernames, entity ids: <see cref="EdxStringTable"/>), put in ordinal order for its
/// rows: the sorted texts and each hash's rank, so rows are sorted by ranks (numbers) rather than by texts.
/// </summary>
internal static class TextRanks
{
    /// <summary>
    /// <paramref name="names"/> in ordinal order (ties, texts decoded alike from different bytes, by hash: the same
    /// order on every run), and each hash's rank.
    /// </summary>
    public static (string[] Sorted, Dictionary<ulong, int> Rank) Of(IReadOnlyCollection<KeyValuePair<ulong, string>> names)
    {
        KeyValuePair<ulong, string>[] sorted = [.. names];
        return OfInPlace(sorted);
    }

    /// <summary>As <see cref="Of"/>, sorting <paramref name="names"/> itself rather than a copy.</summary>
    public static (string[] Sorted, Dictionary<ulong, int> Rank) OfInPlace(List<KeyValuePair<ulong, string>> names)
        => OfInPlace(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(names));

    private static (string[] Sorted, Dictionary<ulong, int> Rank) OfInPlace(Span<KeyValuePair<ulong, string>> sorted)
    {
        sorted.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.Value, b.Value);
            return c != 0 ? c : a.Key.CompareTo(b.Key);
        });
        var rank = new Dictionary<ulong, int>(sorted.Length);
        string[] texts = new string[sorted.Length];
        for (int n = 0; n < sorted.Length; n++)
        {
            rank[sorted[n].Key] = n;
            texts[n] = sorted[n].Value;
        }

        return (texts, rank);
    }
}
