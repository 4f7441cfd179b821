using System.Globalization;
using System.Text;
using XAnalytics.Pipeline;

namespace XAnalytics.Cli.Terminal;

/// <summary>
/// The live progress line (only on a terminal) and the summary at the end of a run, both on stderr so that
/// stdout carries results alone. Neither prints learner data: counts, file names and reasons only.
/// </summary>
internal sealed class RunReporter : IAsyncDisposable
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(250);
    private readonly PipelineRun _run;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly bool _live;
    private readonly TextWriter _error;

    public RunReporter(PipelineRun run, TextWriter error, bool showProgress)
    {
        _run = run;
        _error = error;
        // Only a real terminal gets the live line: a log file or a pipe would fill with carriage returns.
        _live = showProgress && ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        _loop = _live ? LoopAsync() : Task.CompletedTask;
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(s_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                _error.Write($"\r\u001b[2K{Line()}");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private string Line()
    {
        RunCounters c = _run.Counters;
        double seconds = Math.Max(0.001, _run.Elapsed.TotalSeconds);
        double fraction = c.TotalBytes > 0 ? Math.Min(1, (double)c.StoredBytesRead / c.TotalBytes) : 0;
        string eta = fraction > 0.01 ? Format(TimeSpan.FromSeconds(seconds * (1 - fraction) / fraction)) : "--:--";
        return string.Create(CultureInfo.InvariantCulture,
            $"files {c.FilesDone}/{c.Files} · {c.Events:N0} events · {c.Events / seconds:N0} ev/s · {c.Bytes / seconds / 1e6:N1} MB/s · {fraction:P0} · ETA {eta}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        if (_live)
        {
            _error.Write("\r\u001b[2K");
        }
    }

    /// <summary>One line per stage that did something: events it dropped or changed, and its named facts.</summary>
    private static void AppendStages(StringBuilder text, RunCounters c, CultureInfo ci)
    {
        // An array sort, not OrderBy: the first use of LINQ's ordering machinery costs milliseconds at a tool's start.
        StageCounters[] stages = [.. c.Stages.Values];
        Array.Sort(stages, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (StageCounters stage in stages)
        {
            IReadOnlyDictionary<string, long> facts = stage.Facts;
            if (stage.Changed == 0 && facts.Count == 0 && stage.In == stage.Out)
            {
                continue;
            }

            text.Append(ci, $"stage {stage.Name}: in {stage.In:N0}, out {stage.Out:N0}, changed {stage.Changed:N0}");
            foreach ((string name, long count) in facts)
            {
                text.Append(ci, $", {name} {count:N0}");
            }

            text.AppendLine();
        }
    }

    /// <summary>The summary of a finished run.</summary>
    public static void PrintSummary(RunResult result, TextWriter error)
    {
        RunCounters c = result.Counters;
        var text = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        text.Append(ci, $"{c.Events:N0} events from {c.Files:N0} files ({c.Bytes / 1e6:N1} MB uncompressed) in {Format(result.Elapsed)}: {result.EventsPerSecond:N0} events/s");
        text.AppendLine();
        text.Append(ci, $"lines read {c.LinesRead:N0} = written {c.Written:N0} + filtered {c.Filtered:N0} + rejected {c.Rejected:N0}");
        if (c.BlankLines > 0)
        {
            text.Append(ci, $" (and {c.BlankLines:N0} blank lines skipped)");
        }

        text.AppendLine();
        if (c.Rejected > 0)
        {
            text.Append("rejected:");
            foreach ((string reason, long count) in c.RejectedByReason)
            {
                text.Append(ci, $" {reason} {count:N0};");
            }

            text.AppendLine();
            if (result.RejectsPath is not null)
            {
                text.AppendLine(ci, $"rejected lines written to {result.RejectsPath}");
            }
        }

        AppendStages(text, c, ci);
        IReadOnlyList<BadFile> bad = c.BadFiles;
        if (bad.Count > 0)
        {
            text.AppendLine(ci, $"{bad.Count} bad file(s), read as far as they were good:");
            foreach (BadFile file in bad)
            {
                text.AppendLine(ci, $"  {file.File.Path}: {file.Reason} (after {file.LinesBeforeFault:N0} good lines)");
            }
        }

        if (!c.IsBalanced)
        {
            text.AppendLine("ERROR: lines read do not add up to written + filtered + rejected; this is a bug, please report it.");
        }

        error.Write(text.ToString());
    }

    private static string Format(TimeSpan t) => t.TotalHours >= 1
        ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : t.TotalSeconds >= 10 ? t.ToString(@"m\:ss", CultureInfo.InvariantCulture) : $"{t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s";
}
