namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="EnrollmentDailyReport"/>: one per worker thread.</summary>
public sealed class EnrollmentDailyPartial
{
    internal EnrollmentDailyPartial()
    {
    }

    /// <summary>Each learner's enrollment events per course, in arrival order (sorted by time at the end).</summary>
    internal Dictionary<(int Course, long User), List<EnrollmentEvent>> Events { get; } = [];
}
