namespace XAnalytics.Reports;

/// <summary>What <see cref="ReportWriter.Write(LearnerReports, string, ReportFormat)"/> wrote.</summary>
/// <param name="Directory">The output folder.</param>
/// <param name="IndexHtml">The report page.</param>
/// <param name="Files">Every file written, with its full path.</param>
/// <param name="Notes">What was left out and why.</param>
public sealed record ReportFiles(string Directory, string IndexHtml, IReadOnlyList<string> Files, IReadOnlyList<string> Notes);
