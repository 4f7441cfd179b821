namespace XAnalytics.Reports;

/// <summary>One row of <c>weekly_activity.csv</c>.</summary>
/// <param name="CourseId">Canonical course id.</param>
/// <param name="IntervalStart">The week's Monday.</param>
/// <param name="IntervalEnd">The next Monday (exclusive).</param>
/// <param name="Label"><c>ACTIVE</c>, <c>ATTEMPTED_PROBLEM</c>, <c>PLAYED_VIDEO</c> or <c>POSTED_FORUM</c>.</param>
/// <param name="Count">Distinct users with the label that week.</param>
public sealed record WeeklyActivityRow(string CourseId, DateOnly IntervalStart, DateOnly IntervalEnd, string Label, long Count);
