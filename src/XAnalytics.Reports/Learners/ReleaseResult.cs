namespace XAnalytics.Reports.Learners;

/// <summary>What <see cref="PersonCourseRelease.Write"/> released.</summary>
/// <param name="Directory">The output folder.</param>
/// <param name="Csv">The released table.</param>
/// <param name="Report">The report of what was generalised and suppressed.</param>
/// <param name="RowsIn">Rows of the input.</param>
/// <param name="RowsReleased">Rows released.</param>
/// <param name="RowsSuppressed">Rows suppressed (in combinations of fewer than k learners).</param>
/// <param name="Check">The k-anonymity check of the released table, as written.</param>
/// <param name="Notes">What a user should know (no Factbook, ...).</param>
public sealed record ReleaseResult(string Directory, string Csv, string Report, int RowsIn, int RowsReleased, int RowsSuppressed, KAnonymityCheck Check, IReadOnlyList<string> Notes);
