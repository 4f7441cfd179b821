using System.CommandLine;
using XAnalytics.Cli.Output;
using XAnalytics.Pipeline;
using XAnalytics.Settings;
using XAnalytics.Sinks;

namespace XAnalytics.Cli.Commands;

/// <summary><c>xanalytics convert IN OUT --to bson|json [--gzip|--no-gzip]</c></summary>
internal static class ConvertCommand
{
    public enum Target
    {
        Json,
        Bson,
    }

    public static Command Create()
    {
        var input = new Argument<string>("IN") { Description = "A tracking-log file or directory tree (JSON lines or BSON, gzip or not)." };
        var output = new Argument<string>("OUT") { Description = "The output folder: parts (part-00000...) and manifest.json." };
        var to = new Option<Target>("--to")
        {
            Description = "Output format: json (JSON lines) or bson (length-prefixed BSON documents).",
            Required = true,
        };
        var gzip = new Option<bool>("--gzip") { Description = "Gzip the parts (default for json)." };
        var noGzip = new Option<bool>("--no-gzip") { Description = "Do not gzip the parts (default for bson)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the parts and manifest already in OUT." };
        var common = new CommonOptions();
        var command = new Command("convert", "Convert events, faithfully and in input order, to JSON-lines or BSON parts of at most "
            + "'max-file-size' events each, with a manifest (events, bytes, SHA-256 per part). Parts appear only when the run succeeds. "
            + "Exit codes: 0 clean, 1 failed, 2 usage or settings error, 3 finished with rejected lines or bad files, 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (nothing published).")
        {
            input,
            output,
            to,
            gzip,
            noGzip,
            overwrite,
        };
        common.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.GuardAsync(result, async () =>
        {
            XAnalyticsSettings settings = GlobalOptions.Load(result);
            if (result.GetValue(gzip) && result.GetValue(noGzip))
            {
                throw new ArgumentException("Give --gzip or --no-gzip, not both.");
            }

            bool? compress = result.GetValue(gzip) ? true : result.GetValue(noGzip) ? false : null;
            PartsSinkOptions sinkOptions = settings.ToPartsSinkOptions(result.GetValue(output)!) with
            {
                Gzip = compress,
                Overwrite = result.GetValue(overwrite),
                Shard = OutputParts.ShardIndex(result),
            };
            PipelineOptions options = CommonOptions.Excluding(common.ToPipelineOptions(result, settings, [result.GetValue(input)!], "convert"), sinkOptions.OutputDirectory);
            (IEventSink sink, Func<IReadOnlyList<PartInfo>> parts) = OutputParts.Create(
                result.GetValue(to) == Target.Bson ? OutputParts.Format.Bson : OutputParts.Format.Json, sinkOptions);
            RunResult run = await CommandRunner.RunAsync(result, options, [], sink, !result.GetValue(common.NoProgress), ct);
            await OutputParts.ReportAsync(result, "convert", sinkOptions.OutputDirectory, parts());
            return CommandRunner.Finish(result, run);
        }));
        return command;
    }
}
