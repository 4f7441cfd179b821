namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="WeeklyActivityReport"/>: one per worker thread.</summary>
public sealed class WeeklyActivityPartial
{
    internal WeeklyActivityPartial()
    {
    }

    internal HashSet<(int Course, int Week, ActivityLabels Label, long User)> Weekly { get; } = [];

    internal HashSet<(int Course, int Day, long User)> Daily { get; } = [];

    // The last (user, course, day) added and the labels added for it; User 0 never matches a counted event.
    internal long LastUser { get; set; }

    internal int LastCourse { get; set; } = -1;

    internal int LastDay { get; set; }

    internal ActivityLabels LastLabels { get; set; }
}
