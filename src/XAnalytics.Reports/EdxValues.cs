using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using XAnalytics.Events;

namespace XAnalytics.Reports;

/// <summary>
/// How edX's Python 2 tasks read a value out of an event, for the sections that follow them: <c>float(x)</c>,
/// <c>str.strip()</c>, truthiness. Values are read from <see cref="FieldValue"/>s, bytes until a row needs a string.
/// </summary>
internal static class EdxValues
{
    [ThreadStatic]
    private static UnescapeBuffer? s_unescaped;

    /// <summary>
    /// Python's <c>float(value)</c> for a JSON value: a number; a string that Python parses (surrounding white space,
    /// <c>inf</c>, <c>nan</c>, exponents); <c>true</c>/<c>false</c> as 1 and 0 (Python's bool is an int). Null, objects,
    /// arrays and other strings raise in Python (edX logs and drops the event): false here.
    /// </summary>
    public static bool TryFloat(in FieldValue value, out double result)
    {
        switch (value.Kind)
        {
            case JsonTokenType.Number:
                return double.TryParse(value.Utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out result);
            case JsonTokenType.True:
                result = 1;
                return true;
            case JsonTokenType.False:
                result = 0;
                return true;
            case JsonTokenType.String:
                return TryFloatText(value, out result);
            default:
                result = 0;
                return false;
        }
    }

    /// <summary>
    /// <c>if value: float(value)</c>: false when the value is falsy (<see cref="IsTruthy"/>) or not a float; a number is
    /// parsed once for both.
    /// </summary>
    public static bool TryTruthyFloat(in FieldValue value, out double result)
    {
        if (value.Kind == JsonTokenType.Number)
        {
            return double.TryParse(value.Utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out result) && result != 0;
        }

        result = 0;
        return IsTruthy(value) && TryFloat(value, out result);
    }

    /// <summary>
    /// Python's truthiness of a JSON value, for <c>if not value</c>: null, false, 0, "" and empty containers are false.
    /// </summary>
    public static bool IsTruthy(in FieldValue value) => value.Kind switch
    {
        JsonTokenType.Null or JsonTokenType.False or JsonTokenType.None => false,
        JsonTokenType.Number => !(double.TryParse(value.Utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d == 0),
        JsonTokenType.String => !value.Utf8.IsEmpty,
        JsonTokenType.StartObject => value.RawJson.Length > 2 && !value.RawJson[1..^1].Trim(" \t\r\n"u8).IsEmpty,
        JsonTokenType.StartArray => value.RawJson.Length > 2 && !value.RawJson[1..^1].Trim(" \t\r\n"u8).IsEmpty,
        _ => true,
    };

    /// <summary>
    /// A string value's text, stripped of the white space Python's <c>strip()</c> removes (<see cref="Strip(ReadOnlySpan{byte})"/>): where it stands when it has no escapes, else unescaped into <paramref name="buffer"/> (grown when
    /// needed). Either way valid as long as <paramref name="value"/> is. Empty when not a string.
    /// </summary>
    public static ReadOnlySpan<byte> StrippedString(in FieldValue value, ref byte[] buffer)
    {
        if (value.Kind != JsonTokenType.String)
        {
            return default;
        }

        return Strip(UnescapedString(value, ref buffer));
    }

    /// <summary>
    /// A string value's text as written when it has no escapes (no copy), else unescaped into <paramref name="buffer"/>
    /// (grown when needed): valid as long as both are.
    /// </summary>
    public static ReadOnlySpan<byte> UnescapedString(in FieldValue value, ref byte[] buffer)
    {
        if (!value.HasEscapes)
        {
            return value.Utf8;
        }

        if (buffer.Length < value.RawJson.Length)
        {
            buffer = new byte[Math.Max(value.RawJson.Length, buffer.Length * 2)];
        }

        return buffer.AsSpan(0, value.CopyTo(buffer));
    }

    /// <summary>
    /// Python 2's <c>unicode.strip()</c> (the LMS escapes non-ASCII text, which edX's cjson decodes to unicode; raw
    /// non-ASCII bytes it reads otherwise, which the LMS does not write): ASCII white space, U+001C-U+001F, and
    /// Unicode's white space as Python 2.7 knows it (U+0085, U+00A0, U+1680, U+180E, U+2000-U+200A, U+2028, U+2029,
    /// U+202F, U+205F, U+3000: <c>unichr(i).isspace()</c>, listed with Python 2.7.18).
    /// </summary>
    public static ReadOnlySpan<byte> Strip(ReadOnlySpan<byte> utf8)
    {
        while (!utf8.IsEmpty)
        {
            byte b = utf8[0];
            if (b < 0x80)
            {
                if (!IsAsciiSpace(b))
                {
                    break;
                }

                utf8 = utf8[1..];
            }
            else if (Rune.DecodeFromUtf8(utf8, out Rune rune, out int used) == OperationStatus.Done && IsUnicodeSpace(rune.Value))
            {
                utf8 = utf8[used..];
            }
            else
            {
                break;
            }
        }

        while (!utf8.IsEmpty)
        {
            byte b = utf8[^1];
            if (b < 0x80)
            {
                if (!IsAsciiSpace(b))
                {
                    break;
                }

                utf8 = utf8[..^1];
            }
            else if (Rune.DecodeLastFromUtf8(utf8, out Rune rune, out int used) == OperationStatus.Done && IsUnicodeSpace(rune.Value))
            {
                utf8 = utf8[..^used];
            }
            else
            {
                break;
            }
        }

        return utf8;
    }

    /// <summary><see cref="Strip(ReadOnlySpan{byte})"/> of a string (Python's white space is all in the BMP).</summary>
    public static string Strip(string text)
    {
        int start = 0, end = text.Length;
        while (start < end && IsPythonSpace(text[start]))
        {
            start++;
        }

        while (end > start && IsPythonSpace(text[end - 1]))
        {
            end--;
        }

        return start == 0 && end == text.Length ? text : text[start..end];
    }

    private static bool IsPythonSpace(char c) => c < 0x80 ? IsAsciiSpace((byte)c) : IsUnicodeSpace(c);

    private static bool IsAsciiSpace(byte b) => b is (>= 0x09 and <= 0x0D) or (>= 0x1C and <= 0x20);

    private static bool IsUnicodeSpace(int c) => c is 0x85 or 0xA0 or 0x1680 or 0x180E or (>= 0x2000 and <= 0x200A) or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000;

    /// <summary>
    /// <see cref="StrippedString(in FieldValue, ref byte[])"/> with a per-thread buffer, for ids read once per event:
    /// valid until this thread's next call.
    /// </summary>
    public static ReadOnlySpan<byte> StrippedString(in FieldValue value)
        => StrippedString(value, ref (s_unescaped ??= new UnescapeBuffer()).Bytes);

    /// <summary>A 64-bit hash of some text (XxHash3): the key of a string table (see <see cref="EdxStringTable"/>).</summary>
    public static ulong Hash(ReadOnlySpan<byte> utf8) => XxHash3.HashToUInt64(utf8);

    /// <summary>
    /// A float as MySQL's single-precision <c>FLOAT</c> column shows it (edX's <c>FloatField</c>): the nearest
    /// float, written shortest; infinity and NaN (which MySQL cannot hold; edX's tables show them as NULL) are empty.
    /// </summary>
    public static string? MysqlFloat(double value)
    {
        if (double.IsInfinity(value) || double.IsNaN(value))
        {
            return null;
        }

        return ((float)value).ToString("R", CultureInfo.InvariantCulture);
    }

    private static bool TryFloatText(in FieldValue value, out double result)
    {
        Span<byte> small = stackalloc byte[64];
        byte[]? rented = null;
        Span<byte> buffer = value.RawJson.Length <= small.Length ? small : (rented = ArrayPool<byte>.Shared.Rent(value.RawJson.Length));
        try
        {
            int n = value.CopyTo(buffer);
            ReadOnlySpan<byte> text = buffer[..n].Trim(" \t\n\r\f\v"u8);
            if (text.IsEmpty || text.IndexOfAny("_,"u8) >= 0)
            {
                result = 0;
                return false;
            }

            // Python spells infinity "inf" or "infinity" and NaN "nan", any case, with an optional sign.
            ReadOnlySpan<byte> word = text[0] is (byte)'+' or (byte)'-' ? text[1..] : text;
            double sign = text[0] == (byte)'-' ? -1 : 1;
            if (word.IsEmpty)
            {
                result = 0;
                return false;
            }

            if (Ascii.EqualsIgnoreCase(word, "inf"u8) || Ascii.EqualsIgnoreCase(word, "infinity"u8))
            {
                result = sign * double.PositiveInfinity;
                return true;
            }

            if (Ascii.EqualsIgnoreCase(word, "nan"u8))
            {
                result = double.NaN;
                return true;
            }

            if (!char.IsAsciiDigit((char)word[0]) && word[0] != (byte)'.')
            {
                result = 0;
                return false;
            }

            return double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out result);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>A thread's buffer for <see cref="StrippedString(in FieldValue)"/> (a class, so a reference to its array outlives the call).</summary>
    private sealed class UnescapeBuffer
    {
        public byte[] Bytes = new byte[256];
    }
}
