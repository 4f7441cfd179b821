using System.Globalization;
using XAnalytics.Events;
using XAnalytics.Parquet;

namespace XAnalytics.Cli.Output;

/// <summary>
/// A Parquet column of a field read from events (a <c>select</c> field, a <c>count --by</c> field), typed by all of its
/// values: whole JSON numbers <c>INT64</c>; JSON numbers <c>DOUBLE</c> when one of them is not whole (and every whole
/// one is exact as a double); <c>true</c>/<c>false</c> <c>BOOLEAN</c>; strings that are ISO-8601 instants
/// (<c>2015-03-01T10:00:00.123456+00:00</c>, at most microseconds, no zone read as UTC as edX writes UTC) a
/// <c>TIMESTAMP</c> adjusted to UTC; a <c>day</c> a <c>DATE</c>. Anything else, or a mix (the string <c>"5"</c> beside
/// the number <c>5</c>), keeps every value as its text. Missing values are null and decide nothing.
/// </summary>
/// <remarks>
/// Every value is observed (<see cref="Observe"/>) before the column is declared and the values added: the type is
/// known only once the last value has been seen.
/// </remarks>
internal sealed class FieldColumn(FieldPath fieldPath)
{
    // 2^53: whole numbers up to it are exact as doubles.
    private const long ExactInDouble = 1L << 53;

    private Seen _seen;

    [Flags]
    private enum Seen
    {
        None = 0,
        Integer = 1,
        LargeInteger = 2,
        Real = 4,
        Boolean = 8,
        Instant = 16,
        Other = 32,
    }

    /// <summary>The column's type from the values observed so far.</summary>
    public ParquetColumnType Type => fieldPath.Kind == FieldPathKind.Day ? ParquetColumnType.Date : _seen switch
    {
        Seen.Integer or (Seen.Integer | Seen.LargeInteger) => ParquetColumnType.Count,
        Seen.Real or (Seen.Integer | Seen.Real) => ParquetColumnType.Real,
        Seen.Boolean => ParquetColumnType.Boolean,
        Seen.Instant => ParquetColumnType.Timestamp,
        _ => ParquetColumnType.Text,
    };

    /// <summary>The column to declare, once every value has been observed.</summary>
    public ParquetColumn Column => new(fieldPath.Text, Type);

    /// <summary>Takes one value into account: a string unescaped, or (<paramref name="isJson"/>) a number, boolean, object or array as its JSON text.</summary>
    public void Observe(string? value, bool isJson)
    {
        if (value is not null && (_seen & Seen.Other) == 0 && fieldPath.Kind != FieldPathKind.Day)
        {
            _seen |= Classify(value, isJson);
        }
    }

    /// <summary>Adds a value, observed before, to the table as the column's type.</summary>
    public void Add(ParquetTableWriter table, string? value)
    {
        switch (Type)
        {
            case ParquetColumnType.Date:
                table.Add(DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly day) ? day : null);
                break;
            case ParquetColumnType.Count:
                table.Add(value is null ? null : long.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
                break;
            case ParquetColumnType.Real:
                table.Add(value is null ? null : double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture));
                break;
            case ParquetColumnType.Boolean:
                table.Add(value is null ? null : value == "true");
                break;
            case ParquetColumnType.Timestamp:
                table.Add(value is null ? null : TryParseInstant(value, out DateTime utc) ? utc
                    : throw new InvalidOperationException($"'{value}' was not observed in column {fieldPath.Text}."));
                break;
            default:
                table.Add(value);
                break;
        }
    }

    /// <summary>
    /// Parses <c>yyyy-MM-ddTHH:mm:ss[.ffffff][Z|+HH:MM|-HH:MM|+HHMM|-HHMM]</c> (a space may stand for the T; no zone is
    /// UTC) to a UTC instant. Nothing else: no other date orders, no names, no more than 6 fraction digits (a
    /// <c>TIMESTAMP</c> holds microseconds, and a value must not lose digits to its type).
    /// </summary>
    public static bool TryParseInstant(string s, out DateTime utc)
    {
        utc = default;
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':'
            || !TryDigits(s, 0, 4, out int year) || !TryDigits(s, 5, 2, out int month) || !TryDigits(s, 8, 2, out int day)
            || !TryDigits(s, 11, 2, out int hour) || !TryDigits(s, 14, 2, out int minute) || !TryDigits(s, 17, 2, out int second)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        int at = 19;
        long fraction = 0;
        if (at < s.Length && s[at] == '.')
        {
            int start = ++at;
            while (at < s.Length && char.IsAsciiDigit(s[at]))
            {
                at++;
            }

            if (at - start is < 1 or > 6 || !TryDigits(s, start, at - start, out int digits))
            {
                return false;
            }

            fraction = digits;
            for (int n = at - start; n < 7; n++)
            {
                fraction *= 10; // to ticks
            }
        }

        long offset = 0;
        int zone = s.Length - at;
        if (zone == 1 && s[at] == 'Z')
        {
            offset = 0;
        }
        else if (zone is 5 or 6)
        {
            if ((s[at] != '+' && s[at] != '-') || (zone == 6 && s[at + 3] != ':')
                || !TryDigits(s, at + 1, 2, out int zoneHours) || !TryDigits(s, s.Length - 2, 2, out int zoneMinutes) || zoneHours > 14 || zoneMinutes > 59)
            {
                return false;
            }

            offset = ((zoneHours * 60L) + zoneMinutes) * TimeSpan.TicksPerMinute * (s[at] == '-' ? -1 : 1);
        }
        else if (zone != 0)
        {
            return false;
        }

        long ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fraction - offset;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        utc = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    private static Seen Classify(string value, bool isJson)
    {
        if (!isJson)
        {
            return TryParseInstant(value, out _) ? Seen.Instant : Seen.Other;
        }

        if (value is "true" or "false")
        {
            return Seen.Boolean;
        }

        if (value.Length == 0 || (value[0] != '-' && !char.IsAsciiDigit(value[0])))
        {
            return Seen.Other; // an object or an array
        }

        if (value.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
        {
            // A whole number: INT64 if it fits (a larger one fits no numeric type exactly: kept as text).
            return !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long whole) ? Seen.Other
                : whole is > ExactInDouble or < -ExactInDouble ? Seen.Integer | Seen.LargeInteger : Seen.Integer;
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double real) && double.IsFinite(real) ? Seen.Real : Seen.Other;
    }

    private static bool TryDigits(string s, int start, int length, out int value)
    {
        value = 0;
        for (int i = start; i < start + length; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }

            value = (value * 10) + (s[i] - '0');
        }

        return true;
    }
}
