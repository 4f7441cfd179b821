using System.Globalization;
using System.Text;

namespace XAnalytics.Stages;

/// <summary>
/// Dates for filters, as the CLI and embedders take them: year first (<c>2015-03-01</c>, <c>20150301</c>,
/// <c>2015/03/01</c>, or an ISO 8601 date and time). Day-first and month-first forms (<c>02/03/2015</c>) are refused
/// with the readings they allow, never guessed.
/// </summary>
public static class FilterDates
{
    private static readonly string[] s_dateOnly = ["yyyy-MM-dd", "yyyyMMdd", "yyyy/MM/dd"];

    /// <summary>A lower bound: a date (its first instant, UTC) or a date and time (UTC unless it names an offset).</summary>
    /// <exception cref="FormatException">Not a year-first date (the message names the value and the forms accepted).</exception>
    public static DateTimeOffset ParseMin(string text) => Parse(text, endOfDay: false);

    /// <summary>An inclusive upper bound: a date only means the whole of that day (UTC); a date and time is that instant.</summary>
    /// <exception cref="FormatException">Not a year-first date (the message names the value and the forms accepted).</exception>
    public static DateTimeOffset ParseMax(string text) => Parse(text, endOfDay: true);

    private static DateTimeOffset Parse(string text, bool endOfDay)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        if (DateTime.TryParseExact(t, s_dateOnly, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime day))
        {
            var start = new DateTimeOffset(day.Date, TimeSpan.Zero);
            if (!endOfDay)
            {
                return start;
            }

            // The calendar's last day ends at its last tick: the next day does not exist to count back from.
            return day.Date == DateTime.MaxValue.Date ? DateTimeOffset.MaxValue : start.AddDays(1).AddTicks(-1);
        }

        // Only year-first forms: 02/03/2015 is 2 March in most of the world and 3 February in the US, and a
        // filter that guesses keeps the wrong month without a word.
        if (StartsWithYear(t)
            && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset instant))
        {
            return instant;
        }

        if (StartsWithYear(t) && TryParseBeyondCalendar(t, out DateTimeOffset edge))
        {
            return edge;
        }

        throw new FormatException(Describe(text));
    }

    /// <summary>
    /// A date and time whose offset takes it past the calendar's edge once made UTC (<c>9999-12-31T23:00:00-05:00</c>,
    /// <c>0001-01-01T01:00:00+05:00</c>): no <see cref="DateTimeOffset"/> holds it, so it is the edge it passed, which
    /// every event time is before (or after). These used to be refused as "not a date or time".
    /// </summary>
    private static bool TryParseBeyondCalendar(string t, out DateTimeOffset edge)
    {
        edge = default;
        int sign = Math.Max(t.LastIndexOf('+'), t.LastIndexOf('-'));
        // The clock before the offset must name no zone of its own ("...Z-05:00", "...+01:00-05:00"): RoundtripKind
        // marks one (Utc or Local kind) where None would convert it to this machine's zone.
        if (sign < 10 || !TimeSpan.TryParseExact(t.AsSpan(sign + 1), ["h\\:mm", "hhmm", "%h"], CultureInfo.InvariantCulture, out TimeSpan offset)
            || offset > TimeSpan.FromHours(14)
            || !DateTime.TryParse(t.AsSpan(0, sign), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTime clock)
            || clock.Kind != DateTimeKind.Unspecified)
        {
            return false;
        }

        long utcTicks = clock.Ticks - (t[sign] == '-' ? -offset.Ticks : offset.Ticks);
        if (utcTicks > DateTime.MaxValue.Ticks)
        {
            edge = DateTimeOffset.MaxValue;
            return true;
        }

        if (utcTicks < DateTime.MinValue.Ticks)
        {
            edge = DateTimeOffset.MinValue;
            return true;
        }

        return false; // inside the calendar: the usual parse refused it for another reason
    }

    private static bool StartsWithYear(string t)
        => t.Length >= 8 && char.IsAsciiDigit(t[0]) && char.IsAsciiDigit(t[1]) && char.IsAsciiDigit(t[2]) && char.IsAsciiDigit(t[3])
            && (t[4] is '-' or '/' || char.IsAsciiDigit(t[4]));

    private static string Describe(string text)
    {
        const string Accepted = "write the year first: 2015-03-01 (a whole UTC day), 20150301, or 2015-03-01T10:00:00Z (UTC unless an offset is given)";
        string[] parts = text.Trim().Split('/', '-', '.');
        if (parts.Length == 3 && parts[2].Length == 4
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int a)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int b)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int year))
        {
            // Name the readings the value allows, so the user picks the one they meant.
            var readings = new List<string>(2);
            if (IsDate(year, b, a))
            {
                readings.Add(string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{b:D2}-{a:D2}"));
            }

            if (a != b && IsDate(year, a, b))
            {
                readings.Add(string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{a:D2}-{b:D2}"));
            }

            if (readings.Count > 0)
            {
                string which = readings.Count == 2 ? "ambiguous date" : "day-first or month-first date";
                return $"{which} '{text}': {Accepted}, e.g. {string.Join(" or ", readings)}.";
            }
        }

        return $"not a date or time: '{text}': {Accepted}.";
    }

    private static bool IsDate(int year, int month, int day)
        => year is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);

    /// <summary>Parses an event's <c>time</c> (ISO 8601, UTC when it names no offset) without allocating for the usual shapes.</summary>
    internal static bool TryParseEventTime(ReadOnlySpan<byte> utf8, out DateTimeOffset time)
    {
        if (System.Buffers.Text.Utf8Parser.TryParse(utf8, out DateTimeOffset t, out int consumed, 'O') && consumed == utf8.Length)
        {
            time = t;
            return true;
        }

        Span<char> chars = stackalloc char[64];
        if (utf8.Length <= chars.Length && Encoding.UTF8.TryGetChars(utf8, chars, out int n)
            && DateTimeOffset.TryParse(chars[..n], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time))
        {
            return true;
        }

        time = default;
        return false;
    }
}
