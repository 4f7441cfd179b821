using System.Text;

namespace XAnalytics.Internal;

/// <summary>Comparisons of UTF-8 text that agree with .NET's comparisons of the same text decoded to strings.</summary>
internal static class Utf8Text
{
    /// <summary>
    /// Compares as <see cref="string.CompareOrdinal(string, string)"/> compares the strings that
    /// <see cref="Encoding.UTF8"/> decodes from <paramref name="a"/> and <paramref name="b"/> (UTF-16 code units,
    /// invalid bytes as U+FFFD), without decoding them: the equal prefix is skipped bytewise, and only the runes
    /// from the first difference on are decoded. UTF-8 byte order alone differs from UTF-16 order where a character
    /// above U+FFFF (a surrogate pair in UTF-16) meets one from U+E000 to U+FFFF.
    /// </summary>
    public static int CompareOrdinalUtf16(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int common = a.CommonPrefixLength(b);
        if (common == a.Length && common == b.Length)
        {
            return 0;
        }

        // Back to a byte that starts a rune (any byte but a continuation byte does, also in invalid UTF-8, whose
        // ill-formed sequences never swallow a lead byte), so both sides decode in step from there.
        int start = common;
        while (start > 0 && (a[start - 1] & 0xC0) == 0x80)
        {
            start--;
        }

        if (start > 0)
        {
            start--; // the lead byte (or ASCII byte) before the continuation bytes, or the byte before the difference
        }

        a = a[start..];
        b = b[start..];
        while (true)
        {
            if (a.IsEmpty || b.IsEmpty)
            {
                return a.IsEmpty ? (b.IsEmpty ? 0 : -1) : 1;
            }

            Rune.DecodeFromUtf8(a, out Rune ra, out int na);
            Rune.DecodeFromUtf8(b, out Rune rb, out int nb);
            if (ra != rb)
            {
                // The first UTF-16 unit decides unless both are the same high surrogate.
                int ua = FirstUnit(ra);
                int ub = FirstUnit(rb);
                if (ua != ub)
                {
                    return ua - ub;
                }

                return ra.Value - rb.Value;
            }

            a = a[na..];
            b = b[nb..];
        }
    }

    private static int FirstUnit(Rune r) => r.IsBmp ? r.Value : 0xD800 + ((r.Value - 0x10000) >> 10);
}
