namespace XAnalytics.Reports;

/// <summary>Distinct active users of a course on one UTC day (the rule of <c>ACTIVE</c> in <see cref="WeeklyActivityReport"/>).</summary>
/// <param name="CourseId">Canonical course id.</param>
/// <param name="Day">UTC date.</param>
/// <param name="Learners">Distinct active users.</param>
public sealed record DailyActiveRow(string CourseId, DateOnly Day, long Learners);
