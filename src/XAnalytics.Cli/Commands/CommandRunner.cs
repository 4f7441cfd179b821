using XAnalytics.Cli.Terminal;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Cli.Commands;

/// <summary>Runs a pipeline with progress and summary, the same way for every command.</summary>
internal static class CommandRunner
{
    public static async Task<RunResult> RunAsync(PipelineOptions options, IReadOnlyList<IEventStage> stages, IEventSink sink, bool progress, CancellationToken ct)
    {
        PipelineRun run = EventPipeline.Start(options, stages, sink, ct);
        RunResult result;
        await using (new RunReporter(run, progress))
        {
            result = await run.Completion;
        }

        RunReporter.PrintSummary(result);
        return result;
    }

    public static int ExitCode(RunResult result)
        => !result.Counters.IsBalanced ? ExitCodes.Failed : result.IsClean ? ExitCodes.Clean : ExitCodes.DataProblems;
}
