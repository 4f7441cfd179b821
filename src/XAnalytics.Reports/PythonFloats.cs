using System.Globalization;
using System.Numerics;

namespace XAnalytics.Reports;

/// <summary>
/// What becomes of a float that one of edX's luigi jobs writes as text and the next reads back: luigi's Hadoop writer
/// turns a record's values into text with Python 2's <c>str</c>, which writes a float with 12 significant digits
/// (<c>PyOS_double_to_string(x, 'g', 12, ...)</c>: correctly rounded, ties to even), and the next job's
/// <c>float(...)</c> reads the nearest double to that. video.py's viewings pass so from <c>UserVideoViewingTask</c> to
/// <c>VideoUsageTask</c>: an offset logged as 4.9999999999999 is 5.0 there, in the next 5-second segment.
/// </summary>
internal static class PythonFloats
{
    private const int Digits = 12;

    /// <summary>
    /// Python 2's <c>str(value)</c> (and <c>unicode</c>): <c>'%.12g'</c>, then <c>.0</c> when that reads as an integer
    /// (<c>0.3</c>, <c>100.0</c>, <c>1e+16</c>, <c>1e-05</c>, <c>inf</c>, <c>nan</c>).
    /// </summary>
    public static string Str(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        double rounded = ThroughStr(value);
        string sign = double.IsNegative(rounded) ? "-" : "";
        if (rounded == 0)
        {
            return sign + "0.0";
        }

        // The twelve digits exactly (the rounded value has no more), then the shape %g gives them.
        string e = Math.Abs(rounded).ToString("E11", CultureInfo.InvariantCulture); // d.dddddddddddE+xxx
        string digits = (e[0] + e[2..13]).TrimEnd('0');
        int exponent = int.Parse(e.AsSpan(14), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        string text;
        // Python's format_float_short: an exponent when the point is 4+ places left of the digits, or, as str() adds
        // ".0" to an integer, more than 11 places right of the first digit (precision - 1).
        if (exponent < -4 || exponent >= Digits - 1)
        {
            string mantissa = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
            text = mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        }
        else if (exponent < 0)
        {
            text = "0." + new string('0', -exponent - 1) + digits;
        }
        else
        {
            text = digits.Length <= exponent + 1 ? digits + new string('0', exponent + 1 - digits.Length) : digits[..(exponent + 1)] + "." + digits[(exponent + 1)..];
        }

        return sign + (text.Contains('.', StringComparison.Ordinal) || text.Contains('e', StringComparison.Ordinal) ? text : text + ".0");
    }

    /// <summary>Whether a JSON number's text is a float to Python (it has a fraction or an exponent), not an int.</summary>
    public static bool IsFloat(ReadOnlySpan<byte> json) => json.IndexOfAny(".eE"u8) >= 0;

    /// <inheritdoc cref="IsFloat(ReadOnlySpan{byte})"/>
    public static bool IsFloat(ReadOnlySpan<char> json) => json.IndexOfAny(".eE") >= 0;

    /// <summary>Python 2's <c>float(str(value))</c>: <paramref name="value"/> rounded to 12 significant digits.</summary>
    /// <remarks>
    /// Video offsets and durations (0.25 to 36000 s) take <see cref="Scaled"/>: a few floating-point operations, exact.
    /// Other values: a value whose shortest text has 12 digits or fewer comes back unchanged; otherwise the 17 correctly
    /// rounded digits decide, except when the five after the twelfth read 50000: the value may then sit on, above or
    /// below the tie, which only its exact decimal expansion tells (<see cref="BigInteger"/>).
    /// </remarks>
    public static double ThroughStr(double value)
    {
        if (value == 0 || !double.IsFinite(value))
        {
            return value;
        }

        double magnitude = Math.Abs(value);
        return magnitude >= 1e-6 && magnitude < 1e11 ? Scaled(value, magnitude) : Digits17(value);
    }

    /// <summary><see cref="ThroughStr"/> by the value's shortest text, then its 17 digits, then its exact expansion.</summary>
    private static double Digits17(double value)
    {
        Span<char> text = stackalloc char[32];
        if (!value.TryFormat(text, out int n, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("a double's shortest text did not fit 32 characters");
        }

        if (SignificantDigits(text[..n]) <= Digits)
        {
            return value;
        }

        // d.dddddddddddddddd E±x: 17 significant digits, correctly rounded.
        if (!value.TryFormat(text, out n, "E16", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("a double's E16 text did not fit 32 characters");
        }

        ReadOnlySpan<char> written = text[..n];
        bool negative = written[0] == '-';
        ReadOnlySpan<char> body = negative ? written[1..] : written;
        int e = body.IndexOf('E');
        int exponent = int.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        Span<char> digits = stackalloc char[17];
        digits[0] = body[0];
        body[2..e].CopyTo(digits[1..]);
        if (digits[Digits..].SequenceEqual("50000"))
        {
            return Exact(value);
        }

        // value = digits[0].digits[1..] x 10^exponent; 12 digits kept, the thirteenth rounds.
        return Rounded(digits, digits[Digits] >= '5', exponent - (Digits - 1), negative);
    }

    /// <summary>
    /// For 1e-6 &lt;= |value| &lt; 1e11: with 10^p &lt;= |value| &lt; 10^(p+1), the twelve digits are the integer r nearest
    /// to |value| x 10^(11-p) (ties to even), and the result the double nearest to r / 10^(11-p): one correctly rounded
    /// division of two exact doubles (10^k is exact for k &lt;= 22; here 1 &lt;= k &lt;= 17), as Python's <c>float</c> reads
    /// the twelve digits back. The product is known exactly as y + error (a fused multiply-add gives the error), so
    /// the rounding is decided on the exact value: its fraction minus a half, y - floor(y) - 0.5 (exact), plus the error
    /// has the sign of the exact difference.
    /// </summary>
    private static double Scaled(double value, double magnitude)
    {
        int p = -6;
        while (magnitude >= s_powers[p + 1 + PowerOffset])
        {
            p++;
        }

        double scale = s_powers[11 - p + PowerOffset];
        double y = magnitude * scale;
        if (y < 1e11 || y > 1e12)
        {
            return Digits17(value); // p misjudged at a power of ten below 1, which is not exact: the general way
        }

        double error = Math.FusedMultiplyAdd(magnitude, scale, -y);
        double floor = Math.Floor(y);
        double above = (y - floor - 0.5) + error; // the sign of (exact product - floor - 1/2)
        double r = above > 0 || (above == 0 && floor % 2 == 1) ? floor + 1 : floor;
        double result = r / scale;
        return value < 0 ? -result : result;
    }

    private const int PowerOffset = 6;

    // 10^-6 .. 10^17, each the double nearest (10^k exact for k >= 0; the negative ones only bound p).
    private static readonly double[] s_powers =
    [
        1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
    ];

    /// <summary>Digits of a shortest text, not counting leading zeros (trailing zeros of an integer count: the slow path then decides).</summary>
    private static int SignificantDigits(ReadOnlySpan<char> text)
    {
        int count = 0;
        bool leading = true;
        foreach (char c in text)
        {
            if (c is 'E' or 'e')
            {
                break;
            }

            if (c is >= '0' and <= '9')
            {
                if (leading && c == '0')
                {
                    continue;
                }

                leading = false;
                count++;
            }
        }

        return count;
    }

    /// <summary>The exact decimal expansion of a double, rounded to 12 digits, ties to even.</summary>
    private static double Exact(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        bool negative = bits < 0;
        int biased = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xF_FFFF_FFFF_FFFFL;
        long mantissa = biased == 0 ? fraction : fraction | (1L << 52);
        int binary = (biased == 0 ? 1 : biased) - 1075; // value = mantissa x 2^binary

        // mantissa x 2^binary = whole x 10^scale, exactly.
        BigInteger whole;
        int scale;
        if (binary >= 0)
        {
            whole = new BigInteger(mantissa) << binary;
            scale = 0;
        }
        else
        {
            whole = new BigInteger(mantissa) * BigInteger.Pow(5, -binary);
            scale = binary;
        }

        string all = whole.ToString(CultureInfo.InvariantCulture);
        if (all.Length <= Digits)
        {
            return value;
        }

        ReadOnlySpan<char> rest = all.AsSpan(Digits);
        bool up = rest[0] > '5'
            || (rest[0] == '5' && (rest[1..].ContainsAnyExcept('0') || (all[Digits - 1] - '0') % 2 == 1));
        return Rounded(all.AsSpan(0, Digits), up, scale + all.Length - Digits, negative);
    }

    /// <summary>The double nearest to ±(the first 12 of <paramref name="digits"/>, plus one in the last place when <paramref name="up"/>) x 10^<paramref name="exponent"/>.</summary>
    private static double Rounded(ReadOnlySpan<char> digits, bool up, int exponent, bool negative)
    {
        Span<char> kept = stackalloc char[Digits + 1];
        digits[..Digits].CopyTo(kept[1..]);
        kept[0] = '0';
        if (up)
        {
            int i = Digits;
            while (kept[i] == '9')
            {
                kept[i--] = '0';
            }

            kept[i]++;
        }

        Span<char> text = stackalloc char[Digits + 1 + 8];
        int n = 0;
        if (negative)
        {
            text[n++] = '-';
        }

        kept.CopyTo(text[n..]);
        n += kept.Length;
        text[n++] = 'E';
        exponent.TryFormat(text[n..], out int written, default, CultureInfo.InvariantCulture);
        n += written;
        return double.Parse(text[..n], NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
