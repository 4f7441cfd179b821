using System.Globalization;

namespace XAnalytics.Reports.Reference;

/// <summary>Reads the Factbook's number spellings: <c>$ 39 300</c>, <c>$ -68 000 000</c>, <c>8893.0</c>, <c>-1.81</c>.</summary>
internal static class CiaNumber
{
    // Longest cell worth trying as a number; the longest in the 2009 file is "$ 1 648 000 000 000".
    private const int MaxNumberLength = 64;

    /// <summary>True for cells that hold no value: empty, whitespace, or <c>NA</c>.</summary>
    public static bool IsMissing(ReadOnlySpan<char> cell)
    {
        var trimmed = cell.Trim();
        return trimmed.IsEmpty || trimmed.SequenceEqual("NA");
    }

    /// <summary>
    /// Classifies a cell and parses it. The grammar after removing <c>$</c>, spaces and <c>,</c>
    /// thousands separators, and one trailing <c>%</c>: an optional <c>-</c>, digits, and an
    /// optional <c>.</c> with digits. Nothing else (no exponents, no <c>+</c>, no text) counts,
    /// so a column of years-with-notes such as <c>2008 est.</c> stays text.
    /// </summary>
    public static CiaCellKind Parse(ReadOnlySpan<char> cell, out long integer, out double real)
    {
        integer = 0;
        real = 0;
        if (IsMissing(cell))
        {
            return CiaCellKind.Missing;
        }

        Span<char> buffer = stackalloc char[MaxNumberLength];
        var length = 0;
        foreach (var c in cell.Trim())
        {
            if (c is '$' or ' ' or ',')
            {
                continue;
            }

            if (length == buffer.Length)
            {
                return CiaCellKind.Text;
            }

            buffer[length++] = c;
        }

        var digits = buffer[..length];
        if (digits.Length > 0 && digits[^1] == '%')
        {
            digits = digits[..^1];
        }

        var unsigned = digits.Length > 0 && digits[0] == '-' ? digits[1..] : digits;
        var dot = unsigned.IndexOf('.');
        var whole = dot < 0 ? unsigned : unsigned[..dot];
        var fraction = dot < 0 ? [] : unsigned[(dot + 1)..];
        if (whole.IsEmpty || whole.ContainsAnyExceptInRange('0', '9')
            || (dot >= 0 && (fraction.IsEmpty || fraction.ContainsAnyExceptInRange('0', '9'))))
        {
            return CiaCellKind.Text;
        }

        real = double.Parse(digits, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

        // "8893.0" is a whole number written by a float formatter: keep it exact as an integer.
        var integerText = dot < 0 ? digits : digits[..(digits.Length - fraction.Length - 1)];
        if (!fraction.ContainsAnyExcept('0')
            && long.TryParse(integerText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out integer))
        {
            return CiaCellKind.Integer;
        }

        integer = 0;
        return CiaCellKind.Real;
    }
}
