namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="EnrollmentDailyReport"/>: one per worker thread.</summary>
public sealed class EnrollmentDailyPartial
{
    internal EnrollmentDailyPartial()
    {
    }

    internal Dictionary<(int Course, int Day), EnrollmentCounts> Counts { get; } = [];
}
