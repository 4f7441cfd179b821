using System.CommandLine;
using XAnalytics.Cli.Terminal;
using XAnalytics.Pipeline;
using XAnalytics.Settings;
using XAnalytics.Sources;

namespace XAnalytics.Cli.Commands;

/// <summary>Runs a pipeline with progress and summary, and maps failures to exit codes, the same way for every command.</summary>
internal static class CommandRunner
{
    /// <summary>
    /// Runs the pipeline with the live progress line; call <see cref="Finish"/> once the results are out. With
    /// <paramref name="files"/> (a listing already made from <paramref name="options"/>), the inputs are not listed again.
    /// </summary>
    public static async Task<RunResult> RunAsync(
        ParseResult parse, PipelineOptions options, IReadOnlyList<IEventStage> stages, IEventSink sink, bool progress, CancellationToken ct, FileSource? files = null)
    {
        PipelineRun run = files is null ? EventPipeline.Start(options, stages, sink, ct) : EventPipeline.StartListed(options, files, stages, sink, ct);
        foreach (string note in run.Files.Notes)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"xanalytics: note: {note}");
        }

        try
        {
            await using (new RunReporter(run, parse.InvocationConfiguration.Error, progress))
            {
                return await run.Completion;
            }
        }
        finally
        {
            // The command line's own stores (an S3 client per run): closed with the run.
            foreach (IInputStore store in options.Source.Stores)
            {
                (store as IDisposable)?.Dispose();
            }
        }
    }

    /// <summary>
    /// Prints the run's summary on stderr (after the results, so it is the last thing a user sees), and a warning when
    /// nothing reached the results (<paramref name="filters"/>: the filters given, to name them), and gives the exit code.
    /// </summary>
    public static int Finish(ParseResult parse, RunResult result, string? filters = null)
    {
        TextWriter error = parse.InvocationConfiguration.Error;
        RunReporter.PrintSummary(result, error);
        RunCounters c = result.Counters;
        if (c.Written == 0 && c.Filtered > 0)
        {
            error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"xanalytics: warning: the filters matched nothing: all {c.Filtered:N0} events were filtered out ({filters ?? "the filters given"}); the results are empty."));
        }
        else if (c.Written == 0)
        {
            error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"xanalytics: warning: no events in the input ({c.Files:N0} files, {c.LinesRead:N0} non-blank lines, {c.Rejected:N0} rejected); the results are empty."));
        }

        return !result.Counters.IsBalanced ? ExitCodes.Failed : result.IsClean ? ExitCodes.Clean : ExitCodes.DataProblems;
    }

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
            await error.WriteLineAsync($"xanalytics: {MessageOf(e)}");
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
        catch (Exception e) when (Environment.GetEnvironmentVariable(DebugVariable) is not { Length: > 0 })
        {
            // Whatever else escaped (a bug, or bad input nobody anticipated): one line, never a stack trace, unless
            // asked for.
            await error.WriteLineAsync($"xanalytics: failed: {e.GetType().Name}: {e.Message} (set {DebugVariable}=1 for the stack trace)");
            return ExitCodes.Failed;
        }
    }

    /// <summary>Set to show the stack trace of an unexpected failure.</summary>
    public const string DebugVariable = "XANALYTICS_DEBUG";

    /// <summary>The message without the " (Parameter 'options')" an <see cref="ArgumentException"/> adds, which is for programmers.</summary>
    private static string MessageOf(Exception e)
    {
        string message = e.Message;
        string suffix = e is ArgumentException { ParamName: { } name } ? $" (Parameter '{name}')" : string.Empty;
        return suffix.Length > 0 && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }
}
