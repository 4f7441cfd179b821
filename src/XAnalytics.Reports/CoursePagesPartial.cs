namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="CoursePagesSection"/>: one per worker thread.</summary>
public sealed class CoursePagesPartial
{
    internal CoursePagesPartial()
    {
    }

    /// <summary>The activity labels of each learner per course and ISO week (Monday's day number).</summary>
    internal Dictionary<(int Course, int Week, long User), ActivityLabels> Activity { get; } = [];

    /// <summary>Each learner's last enrollment event per course: its time and whether it enrolled.</summary>
    internal Dictionary<(int Course, long User), (long Ticks, bool Enrolled)> Enrollment { get; } = [];

    /// <summary>Forum events per course: threads, responses, comments, votes.</summary>
    internal Dictionary<int, long[]> Forum { get; } = [];

    /// <summary>The last UTC day of any kept event.</summary>
    internal int MaxDay { get; set; } = int.MinValue;

    // The last key added and its labels: a learner's events come in runs.
    internal (int Course, int Week, long User) LastKey { get; set; } = (-1, 0, 0);

    internal ActivityLabels LastLabels { get; set; }
}
