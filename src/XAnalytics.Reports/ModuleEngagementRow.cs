namespace XAnalytics.Reports;

/// <summary>One row of <c>module_engagement.csv</c>: edX's <c>module_engagement</c> table (<c>ModuleEngagementRecord</c>).</summary>
/// <param name="Date">The day of the interactions.</param>
/// <param name="CourseId">The course.</param>
/// <param name="Username">The learner's username, stripped.</param>
/// <param name="EntityType"><c>problem</c>, <c>video</c> or <c>discussion</c>.</param>
/// <param name="EntityId">The problem's <c>problem_id</c>, the video's <c>id</c> or the discussion's <c>commentable_id</c>.</param>
/// <param name="Event"><c>attempted</c>, <c>completed</c>, <c>viewed</c> or <c>contributed</c>.</param>
/// <param name="Count">Interactions that day.</param>
public sealed record ModuleEngagementRow(DateOnly Date, string CourseId, string Username, string EntityType, string EntityId, string Event, long Count);
