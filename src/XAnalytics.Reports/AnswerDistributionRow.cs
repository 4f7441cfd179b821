namespace XAnalytics.Reports;

/// <summary>One row of <c>answer_distribution.csv</c>: one answer value of one problem part (edX's <c>answer_distribution</c> table).</summary>
/// <param name="CourseId">Course id, as edX writes it.</param>
/// <param name="ModuleId">The problem's id.</param>
/// <param name="PartId">The part's answer id.</param>
/// <param name="Correct">The value was graded correct (in its most recent submission).</param>
/// <param name="FirstResponseCount">Learners whose first submission gave this value.</param>
/// <param name="LastResponseCount">Learners whose last submission gave this value.</param>
/// <param name="ValueId">The choice's id(s) for multiple-choice parts (<c>[a|b]</c> for several), else empty.</param>
/// <param name="AnswerValue">The answer's text (markup stripped when it is a choice's text), <c>[a|b]</c> for several.</param>
/// <param name="Variant">The problem's variant (seed), or empty.</param>
/// <param name="ProblemDisplayName">The problem's display name, from the most recent submission.</param>
/// <param name="Question">The part's question text.</param>
public sealed record AnswerDistributionRow(
    string CourseId, string ModuleId, string PartId, bool Correct, long FirstResponseCount, long LastResponseCount, string ValueId, string AnswerValue,
    string Variant, string ProblemDisplayName, string Question);
