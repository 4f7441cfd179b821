using System.CommandLine;
using System.Globalization;
using XAnalytics.Ordering;
using XAnalytics.Pipeline;
using XAnalytics.Reports;
using XAnalytics.Reports.Learners;
using XAnalytics.Settings;
using XAnalytics.Stages;

namespace XAnalytics.Cli.Commands;

/// <summary><c>xanalytics learners INPUT OUTDIR [--from D] [--to D] [--course ID]... [--session-gap 30m] [--geoip PATH] [--memory 512MiB] [--format csv|parquet]</c></summary>
internal static class LearnersCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT")
        {
            Description = "Tracking logs: a file or directory tree, a parts folder written by sort (read in its order), or a shard output folder (its buckets).",
        };
        var outDir = new Argument<string>("OUTDIR") { Description = "Folder for sessions.csv, time_on_task.csv, person_course.csv, charts/ and index.html, published whole by one rename." };
        var from = new Option<string?>("--from", "--min-date") { Description = "First UTC day to include (yyyy-MM-dd). Alias --min-date." };
        var to = new Option<string?>("--to", "--max-date") { Description = "Last UTC day to include (yyyy-MM-dd, inclusive). Alias --max-date." };
        var course = new Option<string[]>("--course") { Description = "Only this course (any id shape). Repeatable." };
        var gap = new Option<string>("--session-gap")
        {
            Description = "Inactivity that ends a session (30m, 90s, 1h30m): an event this long or longer after the previous one starts a new session.",
            DefaultValueFactory = _ => "30m",
        };
        var geoIp = new Option<string?>("--geoip")
        {
            Description = "A GeoIP2/GeoLite2 Country .mmdb, or a folder holding one, for person_course.csv's country (default: the first *Country*.mmdb in public-data-dir or its subfolders).",
        };
        var memory = new Option<string>("--memory")
        {
            Description = "Memory for sorting the input by learner and time (KiB, MiB or GiB suffix); not used for input already in learner order.",
            DefaultValueFactory = _ => "512MiB",
        };
        var format = new Option<ReportFormat>("--format")
        {
            Description = "Tables as csv (default) or parquet (typed: dates DATE, counts INT64, seconds DOUBLE, times as text), same names with .csv or .parquet.",
            DefaultValueFactory = _ => ReportFormat.Csv,
        };
        var common = new CommonOptions();
        var command = new Command("learners", "Per-learner tables in time order: sessions.csv, time_on_task.csv (edx2bigquery's definition), "
            + "person_course.csv (the HarvardX-MITx person-course columns logs can give), charts and index.html. "
            + "Exit codes: 0 clean, 1 failed, 2 usage or settings error, 3 finished with rejected lines or bad files, 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (nothing published).")
        {
            input, outDir, from, to, course, gap, geoIp, memory, format,
        };
        common.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.GuardAsync(result, async () =>
        {
            XAnalyticsSettings settings = GlobalOptions.Load(result);
            if (result.GetValue(common.Shard) is not null)
            {
                // --shard splits by files, and a learner's events are in every file: each task would see parts of
                // learners, and no merge could join their sessions. Across machines, learners go by bucket.
                throw new ArgumentException("learners cannot run on a --shard of the files (a learner's events are in many files): "
                    + "write learner buckets with 'shard IN maps/map-i --buckets B --shard i/N' on each machine, then run learners over "
                    + "bucket j of every map (see the README, Beyond one machine).");
            }

            string gapText = result.GetValue(gap)!;
            if (!Duration.TryParse(gapText, out TimeSpan sessionGap))
            {
                throw new ArgumentException($"--session-gap: '{gapText}' is not a duration (write it with a unit: 30m, 90s, 1h30m).");
            }

            LearnerTablesOptions options = LearnerTablesOptions.FromSettings(settings) with
            {
                From = result.GetValue(from) is { } first ? DateOnly.FromDateTime(FilterDates.ParseMin(first).UtcDateTime) : null,
                To = result.GetValue(to) is { } last ? DateOnly.FromDateTime(FilterDates.ParseMax(last).UtcDateTime) : null,
                Courses = result.GetValue(course) ?? [],
                SessionGap = sessionGap,
                GeoIpDatabase = result.GetValue(geoIp),
            };
            var sort = new SortOptions { MemoryBytes = SortCommand.ParseMemory(result.GetValue(memory)!), ScratchDirectory = settings.ScratchDir };
            string output = result.GetValue(outDir)!;
            (IReadOnlyList<string> inputs, bool sorted) = LearnerInputs.Resolve(result.GetValue(input)!);
            PipelineOptions pipeline = CommonOptions.Excluding(common.ToPipelineOptions(result, settings, [.. inputs], "learners"), output);
            using LearnerTables tables = LearnerTables.Create(options);
            Task charts = ReportWriter.WarmUpChartsAsync();
            RunResult run = await CommandRunner.RunAsync(result, pipeline, [], tables.CreateSink(sort, inputIsSorted: sorted), !result.GetValue(common.NoProgress), ct);
            await charts;
            ReportFiles files = LearnerTableWriter.Write(tables, output, result.GetValue(format));
            TextWriter error = result.InvocationConfiguration.Error;
            if (sorted)
            {
                error.WriteLine("Note: the input is in learner order (sort or shard --sorted wrote it): it was not sorted again.");
            }

            ReportCommand.PrintWritten(result.InvocationConfiguration.Output, error, files);
            result.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{tables.Learners:N0} learners, {tables.PersonCourse!.Count:N0} learner-course rows, {tables.Sessions!.Count:N0} sessions, {tables.TimeOnTask!.Count:N0} time-on-task days"));
            return CommandRunner.Finish(result, run);
        }));
        return command;
    }
}
