namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="CoursePagesSection"/>: one per worker thread.</summary>
public sealed class CoursePagesPartial
{
    internal CoursePagesPartial()
    {
    }

    /// <summary>Each learner's last enrollment event per course: its time and whether it enrolled.</summary>
    internal Dictionary<(int Course, long User), (long Ticks, bool Enrolled)> Enrollment { get; } = [];

    /// <summary>Forum events per course: threads, responses, comments, votes.</summary>
    internal Dictionary<int, long[]> Forum { get; } = [];

    /// <summary>The last UTC day of any kept event.</summary>
    internal int MaxDay { get; set; } = int.MinValue;
}
