using System.IO.Hashing;

namespace XAnalytics.Reports;

/// <summary>
/// One shared copy of each small text a partial keeps per learner (problem ids, display names): many learners answer
/// the same problems, and a copy per learner made the problem tables' state grow with learners times the id's bytes.
/// Texts are found by their 64-bit hash (XxHash3), then compared; a text whose hash another holds gets its own copy.
/// </summary>
/// <remarks>Use it only for texts of a bounded set (ids, names): every text offered is kept until the partial is dropped.</remarks>
internal sealed class ByteInterner
{
    private readonly Dictionary<ulong, byte[]> _texts = [];

    /// <summary>The copy of <paramref name="utf8"/> this partial shares, made when new.</summary>
    public byte[] Intern(ReadOnlySpan<byte> utf8)
    {
        ulong hash = XxHash3.HashToUInt64(utf8);
        if (_texts.TryGetValue(hash, out byte[]? known))
        {
            return utf8.SequenceEqual(known) ? known : utf8.ToArray();
        }

        byte[] copy = utf8.ToArray();
        _texts[hash] = copy;
        return copy;
    }
}
