using System.CommandLine;
using System.Globalization;
using XAnalytics.Pipeline;
using XAnalytics.Settings;
using XAnalytics.Sinks;
using XAnalytics.Stages;

namespace XAnalytics.Cli.Commands;

/// <summary><c>xanalytics export-events INPUT OUTDIR --by org|course</c>: edX's research event exports.</summary>
internal static class ExportEventsCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "A tracking-log file or directory tree (gzip or plain JSON lines, or BSON)." };
        var outDir = new Argument<string>("OUTDIR") { Description = "A new (or empty) folder for the exports, published whole by one rename when the run succeeds." };
        var by = new Option<EventExportGrouping>("--by")
        {
            Description = "org: edX's EventExportTask, ORG/ENV/events/YEAR/ORG-ENV-events-DATE.log.gz; course: edX's EventExportByCourseTask, COURSE/events/COURSE-events-DATE.log.gz.",
            Required = true,
        };
        var environment = new Option<string>("--environment")
        {
            Description = "The site name in organization exports (edX's environment: edx, edge).",
            DefaultValueFactory = _ => "edx",
        };
        var org = new Option<string[]>("--org") { Description = "--by org: only this organization, as events write it (edX's configured organizations). Repeatable; default: any." };
        var course = new Option<string[]>("--course") { Description = "--by course: only this course id, as events write it (edX's --course). Repeatable; default: all." };
        var from = new Option<string?>("--from") { Description = "First export date (yyyy-MM-dd): the date of context.received_at, else of time, as written." };
        var to = new Option<string?>("--to") { Description = "Last export date (yyyy-MM-dd, inclusive)." };
        var maxOpen = new Option<int>("--max-open-files")
        {
            Description = "Output files kept open at once; beyond it the least recently written is closed and appended to later as a new gzip member.",
            DefaultValueFactory = _ => 64,
        };
        var common = new CommonOptions();
        var command = new Command("export-events", "edX's research event export: each event's line, unchanged, into a gzip file per day and "
            + "organization or course, named as edX names them (edx-analytics-pipeline's event_exports.py and event_exports_by_course.py); "
            + "events edX would not export are counted as filtered. Exit codes: 0 clean, 1 failed, 2 usage or settings error, 3 finished with "
            + "rejected lines or bad files, 130/143/129 stopped by a signal (nothing published).")
        {
            input, outDir, by, environment, org, course, from, to, maxOpen,
        };
        common.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.GuardAsync(result, async () =>
        {
            XAnalyticsSettings settings = GlobalOptions.Load(result);
            EventExportGrouping grouping = result.GetValue(by);
            string[] orgs = result.GetValue(org) ?? [];
            string[] courses = result.GetValue(course) ?? [];
            if (grouping == EventExportGrouping.Course && orgs.Length > 0)
            {
                throw new ArgumentException("--org goes with --by org.");
            }

            if (grouping == EventExportGrouping.Org && courses.Length > 0)
            {
                throw new ArgumentException("--course goes with --by course.");
            }

            var options = new EventExportOptions
            {
                OutputDirectory = result.GetValue(outDir)!,
                By = grouping,
                Environment = result.GetValue(environment)!,
                Organizations = orgs,
                Courses = courses,
                From = result.GetValue(from) is { } first ? DateOnly.FromDateTime(FilterDates.ParseMin(first).UtcDateTime) : null,
                To = result.GetValue(to) is { } last ? DateOnly.FromDateTime(FilterDates.ParseMax(last).UtcDateTime) : null,
                MaxOpenFiles = result.GetValue(maxOpen),
            };
            var sink = new EventExportSink(options);
            PipelineOptions pipeline = CommonOptions.Excluding(common.ToPipelineOptions(result, settings, [result.GetValue(input)!], "export-events"), options.OutputDirectory);
            RunResult run = await CommandRunner.RunAsync(result, pipeline, [], sink, !result.GetValue(common.NoProgress), ct);
            result.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Exported {sink.Exported:N0} events into {sink.Files.Count:N0} files in {Path.GetFullPath(options.OutputDirectory)}"));
            if (run.Counters.Events > 0 && sink.Exported == 0)
            {
                result.InvocationConfiguration.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"xanalytics: warning: none of the {run.Counters.Events:N0} events was exported: none names {(grouping == EventExportGrouping.Org ? "an organization" : "a course")} edX's export would accept{(options.From is null && options.To is null ? "" : " in --from/--to")}."));
            }

            return CommandRunner.Finish(result, run);
        }));
        return command;
    }
}
