using System.Globalization;
using System.Text;

namespace XAnalytics.Events;

/// <summary>Reads an event's <c>time</c> as UTC ticks without allocating for the shapes edX writes.</summary>
internal static class Utf8Time
{
    // Ticks per unit of the last fraction digit read, by how many digits were read (0 to 7).
    private static readonly long[] s_tickScale = [0, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

    /// <summary>
    /// Parses <c>yyyy-MM-ddTHH:mm:ss[.fraction][Z|+HH:MM|-HH:MM|+HHMM]</c> (a space may stand for the T; no zone
    /// means UTC, as edX writes UTC; fraction digits beyond the 7th are dropped, not rounded); anything else goes through <see cref="DateTimeOffset.TryParse(string, IFormatProvider, DateTimeStyles, out DateTimeOffset)"/>.
    /// </summary>
    public static bool TryParseUtcTicks(ReadOnlySpan<byte> t, out long ticks)
    {
        ticks = 0;
        if (t.Length >= 19 && t[4] == '-' && t[7] == '-' && (t[10] == 'T' || t[10] == ' ') && t[13] == ':' && t[16] == ':'
            && TryDigits(t[..4], out int year) && TryDigits(t.Slice(5, 2), out int month) && TryDigits(t.Slice(8, 2), out int day)
            && TryDigits(t.Slice(11, 2), out int hour) && TryDigits(t.Slice(14, 2), out int minute) && TryDigits(t.Slice(17, 2), out int second)
            && year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month) && hour < 24 && minute < 60 && second < 60)
        {
            // Up to 7 fraction digits (ticks); more are read and dropped. No division per digit: one scale at the end.
            long fraction = 0;
            int digits = 0;
            int at = 19;
            if (at < t.Length && t[at] == '.')
            {
                at++;
                while (at < t.Length && (uint)(t[at] - '0') <= 9)
                {
                    if (digits < 7)
                    {
                        fraction = (fraction * 10) + (t[at] - '0');
                        digits++;
                    }

                    at++;
                }

                fraction *= s_tickScale[digits];
            }

            long offset = 0;
            ReadOnlySpan<byte> zone = t[at..];
            if (!zone.IsEmpty && !zone.SequenceEqual("Z"u8))
            {
                if (zone.Length is not (5 or 6) || (zone[0] != '+' && zone[0] != '-')
                    || !TryDigits(zone.Slice(1, 2), out int zh) || !TryDigits(zone[^2..], out int zm)
                    || (zone.Length == 6 && zone[3] != ':'))
                {
                    return Fallback(t, out ticks);
                }

                offset = ((zh * 60L) + zm) * TimeSpan.TicksPerMinute * (zone[0] == '-' ? -1 : 1);
            }

            ticks = (new DateOnly(year, month, day).DayNumber * TimeSpan.TicksPerDay) + (hour * TimeSpan.TicksPerHour)
                + (minute * TimeSpan.TicksPerMinute) + (second * TimeSpan.TicksPerSecond) + fraction - offset;
            return true;
        }

        return Fallback(t, out ticks);
    }

    // Hand-rolled: fixed-width ASCII digits need none of Utf8Parser's sign, overflow and format handling, and every event has a time.
    private static bool TryDigits(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        foreach (byte b in s)
        {
            uint d = (uint)(b - '0');
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + (int)d;
        }

        return true;
    }

    private static bool Fallback(ReadOnlySpan<byte> t, out long ticks)
    {
        if (t.Length is > 0 and < 64
            && DateTimeOffset.TryParse(Encoding.UTF8.GetString(t), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed))
        {
            ticks = parsed.UtcTicks;
            return true;
        }

        ticks = 0;
        return false;
    }
}
