using System.Globalization;

namespace XAnalytics.Formats.Bson;

/// <summary>Compares JSON number texts by value, exactly (no floating point): digits and a power of ten.</summary>
internal static class JsonNumberText
{
    /// <summary>True when both texts are the same number (<c>1.50</c> and <c>15e-1</c> are; <c>-0</c> and <c>0</c> are).</summary>
    public static bool SameValue(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length > 512 || b.Length > 512)
        {
            return a.SequenceEqual(b);
        }

        Span<byte> da = stackalloc byte[a.Length];
        Span<byte> db = stackalloc byte[b.Length];
        if (!Normalize(a, da, out int na, out bool negA, out long expA) || !Normalize(b, db, out int nb, out bool negB, out long expB))
        {
            return false;
        }

        if (na == 0 || nb == 0)
        {
            return na == nb;
        }

        return negA == negB && expA == expB && da[..na].SequenceEqual(db[..nb]);
    }

    /// <summary>The number as significant digits <c>D</c> (no leading or trailing zeros) and <c>E</c>, its value <c>D × 10^E</c>.</summary>
    private static bool Normalize(ReadOnlySpan<byte> text, Span<byte> digits, out int count, out bool negative, out long exponent)
    {
        count = 0;
        exponent = 0;
        int i = 0;
        negative = text.Length > 0 && text[0] == (byte)'-';
        if (negative || (text.Length > 0 && text[0] == (byte)'+'))
        {
            i++;
        }

        bool afterPoint = false;
        for (; i < text.Length; i++)
        {
            byte c = text[i];
            if (c == (byte)'.')
            {
                afterPoint = true;
                continue;
            }

            if (c is (byte)'e' or (byte)'E')
            {
                if (!long.TryParse(text[(i + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long e))
                {
                    return false;
                }

                exponent += e;
                break;
            }

            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            if (afterPoint)
            {
                exponent--;
            }

            if (count == 0 && c == (byte)'0')
            {
                continue;
            }

            digits[count++] = c;
        }

        while (count > 0 && digits[count - 1] == (byte)'0')
        {
            count--;
            exponent++;
        }

        return true;
    }
}
