using System.CommandLine;
using XAnalytics.Cli.Terminal;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Settings;

namespace XAnalytics.Cli.Commands;

/// <summary>Runs a pipeline with progress and summary, and maps failures to exit codes, the same way for every command.</summary>
internal static class CommandRunner
{
    public static async Task<RunResult> RunAsync(ParseResult parse, PipelineOptions options, IReadOnlyList<IEventStage> stages, IEventSink sink, bool progress, CancellationToken ct)
    {
        TextWriter error = parse.InvocationConfiguration.Error;
        PipelineRun run = EventPipeline.Start(options, stages, sink, ct);
        RunResult result;
        await using (new RunReporter(run, error, progress))
        {
            result = await run.Completion;
        }

        RunReporter.PrintSummary(result, error);
        return result;
    }

    public static int ExitCode(RunResult result)
        => !result.Counters.IsBalanced ? ExitCodes.Failed : result.IsClean ? ExitCodes.Clean : ExitCodes.DataProblems;

    /// <summary>Runs a command's body; a known failure becomes a one-line message on stderr and its exit code.</summary>
    public static async Task<int> GuardAsync(ParseResult parse, Func<Task<int>> body)
    {
        TextWriter error = parse.InvocationConfiguration.Error;
        try
        {
            return await body();
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("xanalytics: cancelled");
            return ExitCodes.Cancelled;
        }
        catch (SettingsException e)
        {
            await error.WriteLineAsync($"xanalytics: settings: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or FormatException or ArgumentException)
        {
            await error.WriteLineAsync($"xanalytics: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (BadFileException e)
        {
            await error.WriteLineAsync($"xanalytics: bad file (--strict): {e.Message}");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"xanalytics: {e.Message}");
            return ExitCodes.Failed;
        }
    }
}
