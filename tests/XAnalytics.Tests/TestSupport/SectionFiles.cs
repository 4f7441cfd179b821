using XAnalytics.Reports;

namespace XAnalytics.Tests.TestSupport;

/// <summary>A report section's files as it writes them, for comparing two sections' output.</summary>
internal static class SectionFiles
{
    /// <summary>
    /// Writes <paramref name="section"/>'s CSVs into a new folder <paramref name="tag"/> under <paramref name="root"/>
    /// and gives each file's name then its content, in ordinal order of the names.
    /// </summary>
    public static string[] Read(IReportSection section, string root, string tag)
    {
        string dir = Path.Combine(root, tag);
        Directory.CreateDirectory(dir);
        var written = new List<string>();
        section.Write(dir, written, ReportFormat.Csv);
        var files = new List<string>();
        foreach (string file in written.Order(StringComparer.Ordinal))
        {
            files.Add(file);
            files.Add(File.ReadAllText(Path.Combine(dir, file)));
        }

        return [.. files];
    }
}
