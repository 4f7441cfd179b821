using System.IO.Hashing;

namespace XAnalytics.Reports;

/// <summary>
/// One shared copy of each text a partial keeps per learner (problem ids, display names, compacted submissions): many
/// learners answer the same problems with the same answers, and a copy per learner made the problem tables' state grow
/// with learners times the text's bytes. Texts are found by their 64-bit hash (XxHash3), then compared; a text whose
/// hash another holds gets its own copy. The arrays returned are shared: never write to them.
/// </summary>
/// <remarks>
/// A text is kept until the partial is dropped, even when no learner holds it any more (a superseded answer), so the
/// table stops at <see cref="MaxTexts"/> texts: later new texts get a copy of their own, as before there was a table.
/// </remarks>
internal sealed class ByteInterner
{
    /// <summary>The most texts one table shares (at ~500 bytes a submission, about 32 MB).</summary>
    public const int MaxTexts = 65_536;

    private readonly Dictionary<ulong, byte[]> _texts = [];

    /// <summary>The copy of <paramref name="utf8"/> this partial shares, made when new (empty text: one empty array).</summary>
    public byte[] Intern(ReadOnlySpan<byte> utf8) => Intern(utf8, XxHash3.HashToUInt64(utf8));

    /// <summary>
    /// <see cref="Intern(ReadOnlySpan{byte})"/> with the text's XxHash3 hash already known (<paramref name="hash"/>
    /// must be <c>XxHash3.HashToUInt64(utf8)</c>): a submission's is computed once for both problem tables.
    /// </summary>
    public byte[] Intern(ReadOnlySpan<byte> utf8, ulong hash)
    {
        if (_texts.TryGetValue(hash, out byte[]? known))
        {
            return utf8.SequenceEqual(known) ? known : utf8.ToArray();
        }

        byte[] copy = utf8.ToArray();
        if (_texts.Count < MaxTexts)
        {
            _texts[hash] = copy;
        }

        return copy;
    }
}
