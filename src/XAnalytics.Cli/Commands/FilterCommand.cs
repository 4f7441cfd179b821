using System.CommandLine;
using XAnalytics.Cli.Output;
using XAnalytics.Pipeline;
using XAnalytics.Settings;

namespace XAnalytics.Cli.Commands;

/// <summary><c>xanalytics filter IN OUT [filters]</c>: write the selected events, unchanged, as parts.</summary>
internal static class FilterCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("IN") { Description = "Tracking logs: a file or a directory tree (JSON lines or BSON, gzip or not)." };
        var output = new Argument<string>("OUT") { Description = "Output folder: parts of at most 'max-file-size' events and manifest.json." };
        var parts = new OutputParts();
        var common = new CommonOptions();
        var filters = new FilterOptions();
        var command = new Command("filter", "Write the events that pass the filters (dates, event types, courses in any id shape, users, "
            + "any field, a text prefilter), unchanged and in input order. "
            + "Exit codes: 0 clean, 1 failed, 2 usage or settings error, 3 finished with rejected lines or bad files, 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (nothing published).")
        {
            input,
            output,
        };
        parts.AddTo(command);
        common.AddTo(command);
        filters.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.GuardAsync(result, async () =>
        {
            XAnalyticsSettings settings = GlobalOptions.Load(result);
            string outDir = result.GetValue(output)!;
            PipelineOptions options = CommonOptions.Excluding(filters.Apply(result, common.ToPipelineOptions(result, settings, [result.GetValue(input)!], "filter")), outDir);
            var (sink, written) = parts.Create(result, settings, outDir);
            RunResult run = await CommandRunner.RunAsync(result, options, filters.Stages(result), sink, !result.GetValue(common.NoProgress), ct);
            await OutputParts.ReportAsync(result, "filter", outDir, written());
            return CommandRunner.Finish(result, run, filters.Describe(result));
        }));
        return command;
    }
}
