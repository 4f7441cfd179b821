using System.IO.Hashing;

namespace XAnalytics.Reports;

/// <summary>
/// One shared copy of each text a partial keeps per learner (problem ids, display names, compacted submissions): many
/// learners answer the same problems with the same answers, and a copy per learner made the problem tables' state grow
/// with learners times the text's bytes. Texts are found by their 64-bit hash (XxHash3), then compared; a text whose
/// hash another holds gets its own copy. The arrays returned are shared: never write to them.
/// </summary>
/// <remarks>
/// A text is held while a learner holds it: a state that lets go of a shared text (a superseded submission) calls
/// <see cref="Release"/>, and the last holder's release drops it from the table. Kept superseded submissions made the
/// problem tables grow with every submission rather than with the submissions held: on /tmp/lead-4m-100kl (4M events,
/// 100,000 learners, nearly every submission distinct) the table kept up to <see cref="MaxTexts"/> dead texts per
/// partial. The table still stops at <see cref="MaxTexts"/> texts: later new texts get a copy of their own, as before
/// there was a table.
/// </remarks>
internal sealed class ByteInterner
{
    /// <summary>The most texts one table shares (at ~500 bytes a submission, about 32 MB).</summary>
    public const int MaxTexts = 65_536;

    private readonly Dictionary<ulong, Shared> _texts = [];

    /// <summary>The texts the table holds, for tests.</summary>
    public int Count => _texts.Count;

    /// <summary>The copy of <paramref name="utf8"/> this partial shares, made when new (empty text: one empty array).</summary>
    public byte[] Intern(ReadOnlySpan<byte> utf8) => Intern(utf8, XxHash3.HashToUInt64(utf8));

    /// <summary>
    /// <see cref="Intern(ReadOnlySpan{byte})"/> with the text's XxHash3 hash already known (<paramref name="hash"/>
    /// must be <c>XxHash3.HashToUInt64(utf8)</c>): a submission's is computed once for both problem tables. Each call
    /// is one more holder of the text, until <see cref="Release"/>.
    /// </summary>
    public byte[] Intern(ReadOnlySpan<byte> utf8, ulong hash)
    {
        if (_texts.TryGetValue(hash, out Shared? known))
        {
            if (!utf8.SequenceEqual(known.Text))
            {
                return utf8.ToArray();
            }

            known.Holders++;
            return known.Text;
        }

        byte[] copy = utf8.ToArray();
        if (_texts.Count < MaxTexts)
        {
            _texts[hash] = new Shared(copy);
        }

        return copy;
    }

    /// <summary>
    /// <see cref="Intern(ReadOnlySpan{byte}, ulong)"/> of an array another partial shares (being merged into this one):
    /// the array itself is taken when this table has no equal text, rather than a copy made, so a merge does not hold
    /// both partials' submissions and a copy of them at once.
    /// </summary>
    public byte[] Adopt(byte[] text, ulong hash)
    {
        if (_texts.TryGetValue(hash, out Shared? known))
        {
            if (!text.AsSpan().SequenceEqual(known.Text))
            {
                return text;
            }

            known.Holders++;
            return known.Text;
        }

        if (_texts.Count < MaxTexts)
        {
            _texts[hash] = new Shared(text);
        }

        return text;
    }

    /// <summary>
    /// One holder of <paramref name="text"/> (an array <see cref="Intern(ReadOnlySpan{byte}, ulong)"/> returned, whose
    /// hash is <paramref name="hash"/>) lets go of it: the table drops it after its last holder. A copy of the
    /// caller's own (not in the table) is left alone.
    /// </summary>
    public void Release(byte[] text, ulong hash)
    {
        if (_texts.TryGetValue(hash, out Shared? known) && ReferenceEquals(known.Text, text) && --known.Holders == 0)
        {
            _texts.Remove(hash);
        }
    }

    /// <summary>Forgets every text (the holders keep their arrays): at completion, so each array is freed once its last holder lets go of it.</summary>
    public void Clear()
    {
        _texts.Clear();
        _texts.TrimExcess();
    }

    /// <summary>A shared text and how many holders it has.</summary>
    private sealed class Shared(byte[] text)
    {
        public byte[] Text { get; } = text;

        public long Holders { get; set; } = 1;
    }
}
