using System.CommandLine;
using System.Globalization;
using XAnalytics.Incremental;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Sources;

namespace XAnalytics.Cli.Commands;

/// <summary>
/// <c>--state DIR [--rebuild]</c> of the aggregating commands (count, schema, report): a daily run reads only the input files
/// that are new since the state in DIR, folds them into the saved partial, saves it, and writes the results of
/// everything (<see cref="IncrementalState"/>).
/// </summary>
internal sealed class StateOption
{
    public Option<DirectoryInfo?> State { get; } = new("--state")
    {
        Description = "Remember in this folder which input files were folded into the results (path, size, time, a hash of their first and "
            + "last 64 KiB) with the results' mergeable state: the next run reads only new files and writes the results of all of them. "
            + "A remembered file that changed or is gone is an error (--rebuild starts over). Leave the file being written (tracking.log) "
            + "out, with --only-gz.",
    };

    public Option<bool> Rebuild { get; } = new("--rebuild") { Description = "With --state: forget the state in that folder and fold every input file again." };

    public void AddTo(Command command)
    {
        command.Options.Add(State);
        command.Options.Add(Rebuild);
    }

    /// <summary>
    /// With <c>--state</c>: runs over the new files only, merges with the saved state, saves, and completes
    /// <paramref name="aggregate"/> from the whole; returns the exit code of the summary (the caller then writes the
    /// results). Without it, null and nothing is done.
    /// </summary>
    public async Task<int?> TryRunAsync<TPartial>(
        ParseResult result, CommonOptions common, PipelineOptions options, IReadOnlyList<IEventStage> stages, IPartialAggregate<TPartial> aggregate,
        string? filters, CancellationToken ct)
        where TPartial : class
    {
        DirectoryInfo? folder = result.GetValue(State);
        if (folder is null)
        {
            if (result.GetValue(Rebuild))
            {
                throw new ArgumentException("--rebuild goes with --state DIR.");
            }

            return null;
        }

        if (result.GetValue(common.Shard) is not null)
        {
            throw new ArgumentException("--state and --shard do not go together: a state remembers whole runs (merge shards with 'xanalytics merge').");
        }

        IncrementalState state = IncrementalState.Open(folder.FullName, result.CommandResult.Command.Name, PartialOutput.ResultArguments(result), result.GetValue(Rebuild));
        FileSource listing = FileSource.Plan(options.Source with { RequireFiles = true });
        IReadOnlyList<FileFingerprint> fresh = state.NewFiles(listing.Files);
        TextWriter error = result.InvocationConfiguration.Error;
        var ci = CultureInfo.InvariantCulture;
        TPartial? saved = state.LoadPartial(aggregate);
        if (fresh.Count == 0)
        {
            await error.WriteLineAsync(string.Create(ci,
                $"xanalytics: no new input files since the state in {folder.FullName} ({state.Folded.Count:N0} files, saved {state.SavedUtc:yyyy-MM-dd HH:mm} UTC): the results are the state's."));
            aggregate.Complete(saved ?? aggregate.CreatePartial());
            return state.SoFar.Rejected > 0 || state.SoFar.BadFiles > 0 ? ExitCodes.DataProblems : ExitCodes.Clean;
        }

        // The listing the new files were found in is the one read: the tree is listed once, and a file cannot be
        // folded into the state without having been read.
        FileSource only = listing.Only(new HashSet<string>(fresh.Select(static f => f.Path), StringComparer.Ordinal));
        var capture = new PartialCapture<TPartial>(aggregate);
        RunResult done = await CommandRunner.RunAsync(result, options, stages, new AggregateSink<TPartial>(capture), !result.GetValue(common.NoProgress), ct, only);
        ct.ThrowIfCancellationRequested();
        TPartial merged = capture.Partial!;
        if (saved is not null)
        {
            aggregate.Merge(saved, merged);
            merged = saved;
        }

        RunCounters c = done.Counters;
        state.Save(aggregate, merged, fresh, new IncrementalState.Totals(c.LinesRead, c.Written, c.Filtered, c.Rejected, c.BadFiles.Count));
        await error.WriteLineAsync(string.Create(ci,
            $"xanalytics: state {folder.FullName}: {fresh.Count:N0} new files folded in, {state.Folded.Count + fresh.Count:N0} in all; the results cover them all."));
        aggregate.Complete(merged);
        return CommandRunner.Finish(result, done, filters);
    }
}
