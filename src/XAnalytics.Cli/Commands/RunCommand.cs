using System.CommandLine;
using XAnalytics.Cli.Pipelines;
using XAnalytics.Pipeline;
using XAnalytics.Settings;

namespace XAnalytics.Cli.Commands;

/// <summary><c>xanalytics run PIPELINE.yaml [--in PATH]... [--out DIR]</c>: a pipeline declared in YAML.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("PIPELINE")
        {
            Description = "A pipeline file: source, a list of stages with options, and a sink (see pipelines/ for the stock ones).",
        };
        var inputs = new Option<string[]>("--in")
        {
            Description = "Input files or directories, replacing the file's source inputs. Repeatable.",
        };
        var output = new Option<string?>("--out")
        {
            Description = "Output folder for sinks that write files, replacing the file's sink 'out'.",
        };
        var common = new CommonOptions();
        var command = new Command("run", "Run a pipeline declared in YAML. " + StepCatalog.Describe())
        {
            file,
            inputs,
            output,
        };
        common.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.GuardAsync(result, () => RunAsync(result, file, inputs, output, common, ct)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, Argument<FileInfo> fileArg, Option<string[]> inputsOpt, Option<string?> outputOpt, CommonOptions common, CancellationToken ct)
    {
        XAnalyticsSettings settings = GlobalOptions.Load(result);
        var sinkOverrides = new Dictionary<string, string>(StringComparer.Ordinal);
        if (result.GetValue(outputOpt) is { } output)
        {
            sinkOverrides["out"] = output;
        }

        string[] inputs = result.GetValue(inputsOpt) ?? [];
        PipelineFile pipeline;
        IEventStage[] stages;
        SinkPlan sink;
        PipelineOptions options;
        try
        {
            pipeline = PipelineFile.Load(result.GetValue(fileArg)!.FullName, new Dictionary<string, string>(), sinkOverrides);
            var environment = new RunEnvironment(settings, result);
            PipelineOptions defaults = common.ToPipelineOptions(result, settings, inputs, "run");
            options = StepCatalog.CreateRunOptions(pipeline.Source, settings, defaults);
            stages = [.. pipeline.Stages.Select(step => StepCatalog.CreateStage(step, environment))];
            sink = StepCatalog.CreateSink(pipeline.Sink, environment);
        }
        catch (PipelineFileException e)
        {
            await result.InvocationConfiguration.Error.WriteLineAsync($"xanalytics: {e.Message}");
            return ExitCodes.Usage;
        }

        RunResult run = await CommandRunner.RunAsync(result, options, stages, sink.Sink, !result.GetValue(common.NoProgress), ct);
        sink.WriteResults?.Invoke(result.InvocationConfiguration.Output);
        return CommandRunner.Finish(result, run);
    }
}
