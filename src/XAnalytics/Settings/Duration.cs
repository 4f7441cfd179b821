using System.Globalization;

namespace XAnalytics.Settings;

/// <summary>Durations as people write them in options: <c>30m</c>, <c>90s</c>, <c>1h</c>, <c>1h30m</c>, <c>45m30s</c>.</summary>
public static class Duration
{
    /// <summary>
    /// Parses <paramref name="text"/>: one or more positive integers, each followed by <c>h</c>, <c>m</c> or <c>s</c>
    /// (in that order, each at most once); false for anything else, a bare number included (minutes or seconds?
    /// never a guess) and a total of zero.
    /// </summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(text);
        duration = TimeSpan.Zero;
        ReadOnlySpan<char> rest = text.AsSpan().Trim();
        int lastUnit = -1;
        long seconds = 0;
        while (!rest.IsEmpty)
        {
            int digits = 0;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
            {
                digits++;
            }

            if (digits == 0 || digits == rest.Length || digits > 9)
            {
                return false;
            }

            int unit = "hms".IndexOf(char.ToLowerInvariant(rest[digits]), StringComparison.Ordinal);
            if (unit <= lastUnit)
            {
                return false;
            }

            long n = long.Parse(rest[..digits], NumberStyles.None, CultureInfo.InvariantCulture);
            seconds += n * (unit == 0 ? 3600 : unit == 1 ? 60 : 1);
            lastUnit = unit;
            rest = rest[(digits + 1)..];
        }

        if (seconds <= 0)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
