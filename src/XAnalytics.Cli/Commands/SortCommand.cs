using System.CommandLine;
using XAnalytics.Cli.Output;
using XAnalytics.Events;
using XAnalytics.Ordering;
using XAnalytics.Pipeline;
using XAnalytics.Settings;

namespace XAnalytics.Cli.Commands;

/// <summary><c>xanalytics sort IN OUT [--by username,time] [--memory 512MiB] [filters] [--outformat json|bson]</c>.</summary>
internal static class SortCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("IN") { Description = "Tracking logs: a file or a directory tree (JSON lines or BSON, gzip or not)." };
        var output = new Argument<string>("OUT") { Description = "Output folder: parts whose concatenation in name order is the sorted archive, and manifest.json (with the sort key)." };
        var by = new Option<string>("--by")
        {
            Description = "The sort key, field paths separated by commas, the learner first: events without it come first, as their own group. "
                + "A field named time is compared as an instant (an unreadable time sorts last for its learner); equal keys keep input order.",
            DefaultValueFactory = _ => "username,time",
        };
        var memory = new Option<string>("--memory")
        {
            Description = "Memory for the sort's runs (KiB, MiB or GiB suffix): runs beyond it spill, LZ4-compressed, to a private folder in scratch-dir. "
                + "Peak memory stays near it whatever the archive's size.",
            DefaultValueFactory = _ => "512MiB",
        };
        var parts = new OutputParts();
        var common = new CommonOptions();
        var filters = new FilterOptions();
        var command = new Command("sort", "Sort an archive by learner and time (megasort): the events, unchanged, in parts whose concatenation is the total order "
            + "(learner key, then time as an instant, then input order), byte-identical on any number of threads. "
            + "Exit codes: 0 clean, 1 failed, 2 usage or settings error, 3 finished with rejected lines or bad files, 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (nothing published).")
        {
            input,
            output,
            by,
            memory,
        };
        parts.AddTo(command);
        common.AddTo(command);
        filters.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.GuardAsync(result, async () =>
        {
            XAnalyticsSettings settings = GlobalOptions.Load(result);
            SortOptions sort = new()
            {
                By = ParseFields(result.GetValue(by)!),
                MemoryBytes = ParseMemory(result.GetValue(memory)!),
                ScratchDirectory = settings.ScratchDir,
            };
            string outDir = result.GetValue(output)!;
            PipelineOptions options = CommonOptions.Excluding(filters.Apply(result, common.ToPipelineOptions(result, settings, [result.GetValue(input)!], "sort")), outDir);
            var manifest = new Dictionary<string, string>(StringComparer.Ordinal) { ["sortedBy"] = string.Join(',', sort.By.Select(static p => p.Text)) };
            var (sink, written) = parts.Create(result, settings, outDir, manifest);
            RunResult run = await CommandRunner.RunAsync(result, options, filters.Stages(result), new SortSink(sort, sink), !result.GetValue(common.NoProgress), ct);
            await OutputParts.ReportAsync(result, "sort", outDir, written());
            return CommandRunner.Finish(result, run, filters.Describe(result));
        }));
        return command;
    }

    /// <summary>Comma-separated field paths.</summary>
    internal static FieldPath[] ParseFields(string text)
    {
        string[] names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
        {
            throw new ArgumentException("--by needs at least one field path (e.g. username,time).");
        }

        try
        {
            return [.. names.Select(FieldPath.Parse)];
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"--by: {e.Message}", e);
        }
    }

    /// <summary>
    /// <c>--memory</c>: a byte count (<see cref="ParseBytes"/>) of at least 16 MiB, the least the engine's sort and
    /// shuffle take (<see cref="SortOptions.MemoryBytes"/>), said as an option error rather than the engine's exception.
    /// </summary>
    internal static long ParseMemory(string text)
    {
        long bytes = ParseBytes(text);
        return bytes >= MinimumMemory
            ? bytes
            : throw new ArgumentException($"--memory must be at least 16MiB (the sort's buffers and blocks need it), not '{text}'.");
    }

    private const long MinimumMemory = 16L << 20;

    /// <summary>A byte count with an optional KiB, MiB or GiB suffix (any case).</summary>
    internal static long ParseBytes(string text)
        => ByteSize.TryParse(text, long.MaxValue, StringComparison.OrdinalIgnoreCase, out long bytes)
            ? bytes
            : throw new ArgumentException($"--memory must be a positive number of bytes with an optional KiB, MiB or GiB suffix (e.g. 512MiB), not '{text}'.");
}
