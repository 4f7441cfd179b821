using System.CommandLine;
using System.Globalization;
using XAnalytics.Generation;

namespace XAnalytics.Cli.Commands;

/// <summary><c>xanalytics generate OUTDIR</c>: a thin shell over <see cref="ArchiveGenerator"/>.</summary>
internal static class GenerateCommand
{
    internal static Command Create()
    {
        var defaults = new GeneratorOptions();
        var outDir = new Argument<DirectoryInfo>("OUTDIR") { Description = "Directory that receives one folder per server." };
        var events = new Option<long>("--events") { Description = "Total lines (bad ones included).", DefaultValueFactory = _ => defaults.Events };
        var files = new Option<int>("--files") { Description = "Total .gz files, spread over servers and days.", DefaultValueFactory = _ => defaults.Files };
        var servers = new Option<int?>("--servers") { Description = "Server folders (default: min(files, 4))." };
        var courses = new Option<int>("--courses") { Description = "Number of courses.", DefaultValueFactory = _ => defaults.Courses };
        var learners = new Option<int>("--learners") { Description = "Number of learners (Zipf activity).", DefaultValueFactory = _ => defaults.Learners };
        var start = new Option<DateOnly>("--start") { Description = "First day (UTC), yyyy-MM-dd.", DefaultValueFactory = _ => defaults.Start };
        var days = new Option<int>("--days") { Description = "Days covered.", DefaultValueFactory = _ => defaults.Days };
        var seed = new Option<ulong>("--seed") { Description = "Master seed; same arguments and seed give identical files.", DefaultValueFactory = _ => defaults.Seed };
        var badRate = new Option<double>("--bad-rate") { Description = "Share of bad lines (truncated, non-JSON, blank).", DefaultValueFactory = _ => defaults.BadRate };
        var level = new Option<int>("--compression-level") { Description = "zlib level 1-9.", DefaultValueFactory = _ => defaults.CompressionLevel };
        var parallel = new Option<int?>("--parallel") { Description = "Files generated at once (default: processor count)." };
        var shape = new Option<string>("--shape")
        {
            Description = "synthetic (default: about 600 distinct event types) or real (as real logs: most page events name a URL "
                + "of their own, about 0.4 distinct event types per event; use with --learners 50000 or more).",
            DefaultValueFactory = _ => "synthetic",
        };
        shape.AcceptOnlyFromAmong("synthetic", "real");

        var command = new Command("generate", "Write a synthetic, deterministic Open edX tracking-log archive.");
        command.Arguments.Add(outDir);
        foreach (Option option in new Option[] { events, files, servers, courses, learners, start, days, seed, badRate, level, parallel, shape })
        {
            command.Options.Add(option);
        }

        command.SetAction((ParseResult r, CancellationToken ct) => CommandRunner.GuardAsync(r, async () =>
        {
            var options = new GeneratorOptions
            {
                OutputDirectory = r.GetValue(outDir)!.FullName,
                Events = r.GetValue(events),
                Files = r.GetValue(files),
                Servers = r.GetValue(servers),
                Courses = r.GetValue(courses),
                Learners = r.GetValue(learners),
                Start = r.GetValue(start),
                Days = r.GetValue(days),
                Seed = r.GetValue(seed),
                BadRate = r.GetValue(badRate),
                CompressionLevel = r.GetValue(level),
                MaxDegreeOfParallelism = r.GetValue(parallel),
                Shape = r.GetValue(shape) == "real" ? ArchiveShape.RealLog : ArchiveShape.Synthetic,
            };

            GenerationResult result;
            try
            {
                result = await ArchiveGenerator.GenerateAsync(options, ct);
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }

            double seconds = Math.Max(result.Elapsed.TotalSeconds, 1e-9);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{result.Files.Count} files, {result.Lines:N0} lines ({result.BadLines:N0} bad), " +
                $"{result.JsonBytes / 1e6:N1} MB JSON -> {result.CompressedBytes / 1e6:N1} MB gzip ({(double)result.JsonBytes / Math.Max(1, result.CompressedBytes):N1}:1), " +
                $"{seconds:N2} s, {result.Lines / seconds:N0} events/s"));
            return 0;
        }));
        return command;
    }
}
