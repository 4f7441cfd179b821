namespace XAnalytics.Reports;

/// <summary>One row of <c>module_engagement_metric_ranges.csv</c>: edX's <c>module_engagement_metric_ranges</c> table.</summary>
/// <param name="CourseId">The course.</param>
/// <param name="StartDate">First day of the week analysed.</param>
/// <param name="EndDate">The day after its last (exclusive, as edX writes it).</param>
/// <param name="Metric">The metric's name (edX's <c>ModuleEngagementSummaryRecord</c> field).</param>
/// <param name="RangeType"><c>low</c>, <c>normal</c> or <c>high</c>.</param>
/// <param name="LowValue">Included lower bound; infinity when edX's percentile is infinite or undefined.</param>
/// <param name="HighValue">Excluded upper bound; infinity for unbounded (an empty field in the CSV, as edX's NULL).</param>
public sealed record ModuleEngagementMetricRangeRow(
    string CourseId, DateOnly StartDate, DateOnly EndDate, string Metric, string RangeType, double LowValue, double HighValue);
