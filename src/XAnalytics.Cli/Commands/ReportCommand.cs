using System.CommandLine;
using System.Globalization;
using XAnalytics.Pipeline;
using XAnalytics.Reports;
using XAnalytics.Settings;
using XAnalytics.Stages;

namespace XAnalytics.Cli.Commands;

/// <summary><c>xanalytics report INPUT OUTDIR [--from DATE] [--to DATE] [--course ID]... [--format csv|parquet]</c></summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "A tracking-log file or directory tree (gzip or plain JSON lines)." };
        var outDir = new Argument<string?>("OUTDIR")
        {
            Description = "Folder for the CSVs, charts/ and index.html, published whole by one rename (an earlier report in it is replaced; a folder holding other files is refused). "
                + "Not given with --partial.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        // Dates are read as the filters of the other commands read them (year first; 02/03/2015 is an error).
        var from = new Option<string?>("--from", "--min-date") { Description = "First UTC day to include (yyyy-MM-dd). Alias --min-date." };
        var to = new Option<string?>("--to", "--max-date") { Description = "Last UTC day to include (yyyy-MM-dd, inclusive). Alias --max-date." };
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
        var only = new Option<string?>("--only")
        {
            Description = "Only these tables, comma-separated: " + string.Join(", ", ReportSections.Names) + " (default: all).",
        };
        var format = new Option<ReportFormat>("--format")
        {
            Description = "Tables as csv (default) or parquet (typed: days DATE, counts INT64, shares DOUBLE), same names with .csv or .parquet.",
            DefaultValueFactory = _ => ReportFormat.Csv,
        };
        var common = new CommonOptions();
        var partial = new PartialOutput();
        var state = new StateOption();
        var command = new Command("report", "Learner analytics in one pass: events_daily.csv, weekly_activity.csv (edX's user-activity rules), "
            + "daily_active.csv, enrollment_daily.csv, countries.csv (with a GeoIP database), charts (PNG, SVG) and a static index.html.")
        {
            input, outDir, from, to, course, gdp, geoIp, only, format,
        };
        common.AddTo(command);
        partial.AddTo(command);
        state.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.GuardAsync(result, async () =>
        {
            XAnalyticsSettings settings = GlobalOptions.Load(result);
            ReportOptions options = ReportOptions.FromSettings(settings) with
            {
                From = Bound(result.GetValue(from), "--from", last: false),
                To = Bound(result.GetValue(to), "--to", last: true),
                Courses = result.GetValue(course) ?? [],
                GdpThreshold = result.GetValue(gdp),
                GeoIpDatabase = result.GetValue(geoIp),
                Only = result.GetValue(only) is { } names ? names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [],
            };
            string? folder = result.GetValue(outDir);
            bool toPartial = result.GetValue(partial.Partial) is not null;
            if (toPartial == (folder is not null))
            {
                throw new ArgumentException(toPartial
                    ? $"With --partial the report is not written: give no OUTDIR ({folder}); 'xanalytics merge' writes it."
                    : "Give OUTDIR, the folder for the report.");
            }

            string? filters = Describe(result, from, to, course);
            if (MergeSession.Current is { } merge)
            {
                using LearnerReports merged = LearnerReports.Create(options);
                Task warm = ReportWriter.WarmUpChartsAsync(merged);
                merge.Complete(merged.Aggregate);
                await warm;
                ReportFiles mergedFiles = ReportWriter.Write(merged, folder!, result.GetValue(format));
                PrintWritten(result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, mergedFiles);
                return merge.Finish(result.InvocationConfiguration.Error);
            }

            PipelineOptions pipeline = ReportPipeline(common.ToPipelineOptions(result, settings, [result.GetValue(input)!], "report"));
            if (toPartial)
            {
                using LearnerReports shard = LearnerReports.Create(options);
                return (await partial.TryRunAsync(result, common, pipeline, [], shard.Aggregate, filters, ct))!.Value;
            }

            pipeline = CommonOptions.Excluding(pipeline, folder!);
            if (result.GetValue(state.State) is not null)
            {
                using LearnerReports all = LearnerReports.Create(options);
                Task warmUp = ReportWriter.WarmUpChartsAsync(all);
                int folded = (await state.TryRunAsync(result, common, pipeline, [], all.Aggregate, filters, ct))!.Value;
                await warmUp;
                PrintWritten(result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, ReportWriter.Write(all, folder!, result.GetValue(format)));
                return folded;
            }

            long reportedEvents = 0;
            (RunResult run, ReportFiles files) = await RunAsync(result, options, pipeline, folder!, !result.GetValue(common.NoProgress), ct, result.GetValue(format),
                reports => reportedEvents = reports.EventsDaily is null ? -1 : reports.EventsDaily.Rows?.Sum(static r => r.Events) ?? 0);
            PrintWritten(result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, files);
            int exit = CommandRunner.Finish(result, run);
            if (run.Counters.Written > 0 && reportedEvents == 0)
            {
                // The report's own filters left every event out: empty tables look like an answer.
                result.InvocationConfiguration.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"xanalytics: warning: no event was reported: none of the {run.Counters.Written:N0} events read has a readable time{(filters is null ? string.Empty : " and matches " + filters)}; the report is empty."));
            }

            return exit;
        }));
        return command;
    }

    /// <summary>Runs the reports over an archive and writes them; shared with <c>demo</c>.</summary>
    public static async Task<(RunResult Run, ReportFiles Files)> RunAsync(
        ParseResult parse, ReportOptions options, PipelineOptions pipeline, string outDir, bool progress, CancellationToken ct, ReportFormat format = ReportFormat.Csv, Action<LearnerReports>? inspect = null)
    {
        using LearnerReports reports = LearnerReports.Create(options);
        Task charts = ReportWriter.WarmUpChartsAsync(reports);
        RunResult run = await CommandRunner.RunAsync(parse, ReportPipeline(pipeline), [], reports.CreateSink(), progress, ct);
        await charts;
        inspect?.Invoke(reports);
        return (run, ReportWriter.Write(reports, outDir, format));
    }

    /// <summary>
    /// The UTC day of a <c>--from</c> or <c>--to</c> bound as typed (a day, or a time with its offset), or null. A bound
    /// past the tables' last day (<see cref="ReportOptions.LastDay"/>) is an error that names it as typed: a time such as
    /// 9999-12-31T23:00:00-05:00 is no day of the calendar in UTC, and the day it was clamped to is not what was asked.
    /// </summary>
    private static DateOnly? Bound(string? typed, string option, bool last)
    {
        if (typed is null)
        {
            return null;
        }

        DateOnly day = DateOnly.FromDateTime((last ? FilterDates.ParseMax(typed) : FilterDates.ParseMin(typed)).UtcDateTime);
        if (day > ReportOptions.LastDay)
        {
            throw new ArgumentException(
                $"{option} {typed.Trim()}: the report's tables hold days from {ReportOptions.FirstDay:yyyy-MM-dd} to {ReportOptions.LastDay:yyyy-MM-dd} "
                + $"(times outside them are read as no time); give a day up to {ReportOptions.LastDay:yyyy-MM-dd}"
                + (last ? ", or no --to (the tables then end on the last day of the events)." : "."));
        }

        return day;
    }

    /// <summary>The reports read <c>context.course_id</c> and <c>context.user_id</c> of every event: the parse indexes the context.</summary>
    private static PipelineOptions ReportPipeline(PipelineOptions pipeline)
        => pipeline.Parse.IndexContext ? pipeline : pipeline with { Parse = pipeline.Parse with { IndexContext = true } };

    private static string? Describe(ParseResult result, params Option[] options)
    {
        var given = new List<string>();
        foreach (Option option in options)
        {
            if (result.GetResult(option) is { Implicit: false } found)
            {
                given.Add($"{option.Name} {string.Join(" ", found.Tokens.Select(static t => t.Value))}");
            }
        }

        return given.Count == 0 ? null : string.Join(", ", given);
    }

    /// <summary>Notes (what was left out, no learners) on stderr with the run's summary; the files written on stdout.</summary>
    public static void PrintWritten(TextWriter output, TextWriter error, ReportFiles files)
    {
        foreach (string note in files.Notes)
        {
            error.WriteLine($"Note: {note}");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {files.Files.Count} files to {files.Directory}"));
        output.WriteLine($"Open {files.IndexHtml}");
    }
}
