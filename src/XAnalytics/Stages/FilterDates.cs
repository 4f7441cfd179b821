using System.Globalization;
using System.Text;

namespace XAnalytics.Stages;

/// <summary>Free-form dates for filters, as the CLI and embedders take them.</summary>
public static class FilterDates
{
    private static readonly string[] s_dateOnly = ["yyyy-MM-dd", "yyyyMMdd", "yyyy/MM/dd"];

    /// <summary>A lower bound: a date (its first instant, UTC) or a date and time (UTC unless it names an offset).</summary>
    /// <exception cref="FormatException">Not a date.</exception>
    public static DateTimeOffset ParseMin(string text) => Parse(text, endOfDay: false);

    /// <summary>An inclusive upper bound: a date only means the whole of that day (UTC); a date and time is that instant.</summary>
    /// <exception cref="FormatException">Not a date.</exception>
    public static DateTimeOffset ParseMax(string text) => Parse(text, endOfDay: true);

    private static DateTimeOffset Parse(string text, bool endOfDay)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        if (DateTime.TryParseExact(t, s_dateOnly, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime day))
        {
            var start = new DateTimeOffset(day.Date, TimeSpan.Zero);
            return endOfDay ? start.AddDays(1).AddTicks(-1) : start;
        }

        if (DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset instant))
        {
            return instant;
        }

        throw new FormatException($"Not a date or time: '{text}' (try 2015-03-01 or 2015-03-01T10:00:00Z).");
    }

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
