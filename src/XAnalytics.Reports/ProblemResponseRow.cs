namespace XAnalytics.Reports;

/// <summary>One row of <c>problem_response.csv</c>: one answer of a learner's latest submission to a problem (edX's <c>ProblemResponseRecord</c>).</summary>
/// <param name="CourseId">Course id, as edX writes it.</param>
/// <param name="ProblemId">The problem's <c>problem_id</c>, as written.</param>
/// <param name="Username">The learner (stripped).</param>
/// <param name="AnswerId">The answer's id within the problem (edX's <c>answer_id</c>; not a column of the CSV).</param>
/// <param name="Question">The question's text, white space collapsed (empty when the event does not say).</param>
/// <param name="Answer">The answer's text (or values), cleaned as edX cleans it; several values as a list.</param>
/// <param name="Correct">True, false, or null when the correctness is unknown.</param>
/// <param name="TotalAttempts">The learner's <c>problem_check</c> events on the problem.</param>
/// <param name="FirstAttemptDate">Time of the first (UTC).</param>
/// <param name="LastAttemptDate">Time of the latest (UTC), whose answers these are.</param>
public sealed record ProblemResponseRow(
    string CourseId, string ProblemId, string Username, string AnswerId, string Question, IReadOnlyList<string> Answer, bool? Correct, long TotalAttempts,
    DateTime FirstAttemptDate, DateTime LastAttemptDate);
