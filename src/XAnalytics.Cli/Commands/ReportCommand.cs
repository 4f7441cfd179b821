using System.CommandLine;
using System.Globalization;
using XAnalytics.Pipeline;
using XAnalytics.Reports;
using XAnalytics.Settings;

namespace XAnalytics.Cli.Commands;

/// <summary><c>xanalytics report INPUT OUTDIR [--from DATE] [--to DATE] [--course ID]...</c></summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "A tracking-log file or directory tree (gzip or plain JSON lines)." };
        var outDir = new Argument<string>("OUTDIR") { Description = "Folder for the CSVs, charts/ and index.html, published whole by one rename (an earlier report in it is replaced; a folder holding other files is refused)." };
        var from = new Option<DateOnly?>("--from") { Description = "First UTC day to include (yyyy-MM-dd)." };
        var to = new Option<DateOnly?>("--to") { Description = "Last UTC day to include (yyyy-MM-dd, inclusive)." };
        var course = new Option<string[]>("--course") { Description = "Only this course (any id shape: course-v1:Org+Num+Run or Org/Num/Run). Repeatable." };
        var gdp = new Option<double>("--gdp-threshold")
        {
            Description = "GDP per capita (PPP, US$) under which a country counts as lower-income in the learner share.",
            DefaultValueFactory = _ => 10_000,
        };
        var geoIp = new Option<string?>("--geoip")
        {
            Description = "A GeoIP2/GeoLite2 Country .mmdb, or a folder holding one (default: the first *Country*.mmdb in public-data-dir or its subfolders).",
        };
        var common = new CommonOptions();
        var command = new Command("report", "Learner analytics in one pass: events_daily.csv, weekly_activity.csv (edX's user-activity rules), "
            + "daily_active.csv, enrollment_daily.csv, countries.csv (with a GeoIP database), charts (PNG, SVG) and a static index.html.")
        {
            input, outDir, from, to, course, gdp, geoIp,
        };
        common.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.GuardAsync(result, async () =>
        {
            XAnalyticsSettings settings = GlobalOptions.Load(result);
            ReportOptions options = ReportOptions.FromSettings(settings) with
            {
                From = result.GetValue(from),
                To = result.GetValue(to),
                Courses = result.GetValue(course) ?? [],
                GdpThreshold = result.GetValue(gdp),
                GeoIpDatabase = result.GetValue(geoIp),
            };
            PipelineOptions pipeline = common.ToPipelineOptions(result, settings, [result.GetValue(input)!], "report");
            (RunResult run, ReportFiles files) = await RunAsync(result, options, pipeline, result.GetValue(outDir)!, !result.GetValue(common.NoProgress), ct);
            PrintWritten(result.InvocationConfiguration.Output, files);
            return CommandRunner.Finish(result, run);
        }));
        return command;
    }

    /// <summary>Runs the reports over an archive and writes them; shared with <c>demo</c>.</summary>
    public static async Task<(RunResult Run, ReportFiles Files)> RunAsync(ParseResult parse, ReportOptions options, PipelineOptions pipeline, string outDir, bool progress, CancellationToken ct)
    {
        using LearnerReports reports = LearnerReports.Create(options);
        Task charts = ReportWriter.WarmUpChartsAsync();
        RunResult run = await CommandRunner.RunAsync(parse, pipeline, [], reports.CreateSink(), progress, ct);
        await charts;
        return (run, ReportWriter.Write(reports, outDir));
    }

    public static void PrintWritten(TextWriter output, ReportFiles files)
    {
        foreach (string note in files.Notes)
        {
            output.WriteLine($"Note: {note}");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {files.Files.Count} files to {files.Directory}"));
        output.WriteLine($"Open {files.IndexHtml}");
    }
}
