namespace XAnalytics.Reports;

/// <summary>A problem of a course page's "hardest problems": from <c>module_engagement</c>'s server <c>problem_check</c> counts.</summary>
/// <param name="CourseId">The course.</param>
/// <param name="ProblemId">The problem's <c>problem_id</c>.</param>
/// <param name="LearnersAttempted">Distinct learners who submitted it.</param>
/// <param name="LearnersCompleted">Distinct learners who got it correct at least once.</param>
/// <param name="Attempts">Submissions.</param>
public sealed record CourseProblemRow(string CourseId, string ProblemId, long LearnersAttempted, long LearnersCompleted, long Attempts);
