namespace XAnalytics.Reports;

/// <summary>One row of <c>tags_distribution.csv</c> (edX's <c>TagsDistributionRecord</c>).</summary>
/// <param name="CourseId">Course id, as edX writes it.</param>
/// <param name="OrgId">The course's organization.</param>
/// <param name="ModuleId">The problem's <c>problem_id</c>, as the events write it.</param>
/// <param name="TagName">A tag of the problem (from the latest submission's <c>saved_tags</c>).</param>
/// <param name="TagValue">One of the tag's values.</param>
/// <param name="TotalSubmissions">Server <c>problem_check</c> events of the problem.</param>
/// <param name="CorrectSubmissions">Those whose <c>success</c> is <c>correct</c>.</param>
public sealed record TagsDistributionRow(string CourseId, string OrgId, string ModuleId, string TagName, string TagValue, long TotalSubmissions, long CorrectSubmissions);
