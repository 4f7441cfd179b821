using System.Text;
using XAnalytics.Aggregates;

namespace XAnalytics.Reports;

/// <summary>
/// One analysis of <c>report</c> beyond the built-in tables: a mergeable aggregate folded in the same pass as the
/// others (sharing each event's <see cref="EventFacts"/>), and the files it writes once the run has ended. Sections
/// are listed in <see cref="ReportSections"/>; <see cref="ReportOptions.Only"/> selects them by
/// <see cref="Name"/>.
/// </summary>
internal interface IReportSection
{
    /// <summary>The name <c>--only</c> selects it by (lower case, words joined by <c>_</c>).</summary>
    string Name { get; }

    /// <summary>Every file the section can write, relative to the output folder.</summary>
    IReadOnlyList<string> Files { get; }

    /// <summary>The section's aggregate.</summary>
    IAggregatePart Part { get; }

    /// <summary>
    /// Writes the section's files into <paramref name="directory"/> (after the run), tables in <paramref name="format"/>
    /// (<c>NAME.csv</c> or <c>NAME.parquet</c>, through <see cref="ReportTable"/>), adding each one's relative path to <paramref name="written"/>.
    /// </summary>
    void Write(string directory, List<string> written, ReportFormat format);

    /// <summary>
    /// Appends the section's part of <c>index.html</c> (after the run): an <c>h2</c> heading, a note that says what
    /// the table is and links its CSV (<see cref="ReportWriter"/> points the link at the Parquet file when that is the format), and the table (see <see cref="ReportWriter.Table"/>).
    /// </summary>
    void AppendHtml(StringBuilder html);
}
