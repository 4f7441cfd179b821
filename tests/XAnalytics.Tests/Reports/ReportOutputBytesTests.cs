using System.Text;
using System.Text.RegularExpressions;
using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// The report's files written with less work and not a byte changed: charts' SVG rendered to memory (the same bytes
/// drawn alone or beside others, and ScottPlot's own file's), and the CSV writer's bytes those of a UTF-8 text writer.
/// </summary>
public sealed partial class ReportOutputBytesTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Svg_DrawnConcurrently_SameBytesAsAloneAndAsScottPlotsOwnFile()
    {
        var points = new List<(string, DateOnly, double)>();
        for (int d = 0; d < 40; d++)
        {
            points.Add(("course-v1:Org+A+1", new DateOnly(2024, 1, 1).AddDays(d), d * 3 % 17));
            points.Add(("course-v1:Org+B+1 …", new DateOnly(2024, 1, 1).AddDays(d), d % 5));
        }

        string alone = ReportCharts.Svg(ReportCharts.Lines("Daily active learners per course", "learners", points, steps: false)!);
        var drawn = new string[16];
        Parallel.For(0, drawn.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            drawn[i] = ReportCharts.Svg(ReportCharts.Lines("Daily active learners per course", "learners", points, steps: false)!));

        Assert.All(drawn, svg => Assert.Equal(alone, svg));
        Assert.Contains("id=\"cl_0\"", alone, StringComparison.Ordinal);

        // ScottPlot's own file, ids aside, is the same text: the chart is rendered as SaveSvg renders it.
        string file = _dir.PathOf("own.svg");
        ReportCharts.Lines("Daily active learners per course", "learners", points, steps: false)!.SaveSvg(file, ReportCharts.Width, ReportCharts.Height);
        Assert.Equal(ClipId().Replace(File.ReadAllText(file), "cl_"), ClipId().Replace(alone, "cl_"));
        ReportCharts.SaveSvg(ReportCharts.Lines("Daily active learners per course", "learners", points, steps: false)!, file);
        Assert.Equal(Encoding.UTF8.GetBytes(alone), File.ReadAllBytes(file));
    }

    [Fact]
    public void CsvTable_AwkwardFields_SameBytesAsAUtf8TextWriter()
    {
        string big = string.Concat(Enumerable.Repeat("é漢😀,a\"b ", 12_000)); // past the writer's buffer
        string?[][] rows =
        [
            ["plain", "with,comma", "with\"quote", "cr\rhere", "lf\nhere", " lead", "trail ", null, ""],
            ["é", "漢字", "😀", "lone\uD800", "\uDC00lone", "a\uD800", "\uD83D", "…", big],
            [big, "x", big],
        ];
        string path = _dir.PathOf("t.csv");
        using (var table = new CsvTable(path, "a", "b,c", "d"))
        {
            foreach (string?[] row in rows)
            {
                table.Row(row);
            }
        }

        var expected = new MemoryStream();
        using (var writer = new StreamWriter(expected, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\r\n" })
        {
            foreach (string?[] row in (string?[][])[["a", "b,c", "d"], .. rows])
            {
                writer.Write(string.Join(',', row.Select(static f => string.IsNullOrEmpty(f) ? ""
                    : f.AsSpan().IndexOfAny(",\"\r\n") >= 0 || f[0] == ' ' || f[^1] == ' ' ? "\"" + f.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : f)));
                writer.WriteLine();
            }
        }

        Assert.Equal(expected.ToArray(), File.ReadAllBytes(path));
    }

    [GeneratedRegex("cl_[0-9a-f]+")]
    private static partial Regex ClipId();
}
