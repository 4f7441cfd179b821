namespace XAnalytics.Generation;

/// <summary>
/// Relative activity by UTC hour and weekday: a worldwide audience still peaks in the European
/// afternoon / American morning and dips at the weekend. Used to split events over files and hours.
/// </summary>
internal static class Activity
{
    private static readonly double[] s_hours =
    [
        0.55, 0.50, 0.45, 0.42, 0.40, 0.42, 0.48, 0.58, 0.70, 0.80, 0.88, 0.95,
        1.00, 1.05, 1.10, 1.12, 1.10, 1.05, 1.00, 0.95, 0.90, 0.80, 0.70, 0.62,
    ];

    // Sunday first, as DayOfWeek.
    private static readonly double[] s_days = [0.95, 1.0, 1.0, 1.0, 0.97, 0.85, 0.75];

    /// <summary>Integral of the activity over [<paramref name="from"/>, <paramref name="to"/>) in Unix seconds, in hour-weight units.</summary>
    public static double Integral(long from, long to)
    {
        double total = 0;
        long t = from;
        while (t < to)
        {
            long hourEnd = ((t / 3600) + 1) * 3600;
            long end = Math.Min(hourEnd, to);
            total += Weight(t) * (end - t) / 3600.0;
            t = end;
        }

        return total;
    }

    public static double Weight(long unixSeconds)
    {
        long hour = unixSeconds / 3600;
        int dayOfWeek = (int)(((hour / 24) + 4) % 7); // 1970-01-01 was a Thursday
        return s_hours[hour % 24] * s_days[dayOfWeek];
    }
}
