using System.CommandLine;
using System.CommandLine.Parsing;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;

namespace XAnalytics.Cli.Commands;

/// <summary>
/// <c>--partial OUT.xap</c> of the aggregating commands (count, schema, report): the task's merged partial goes into
/// a partial file for <c>xanalytics merge</c>, instead of its results.
/// </summary>
internal sealed class PartialOutput
{
    // Options that change how a task runs but not what it computes: they may differ between the shards of a merge.
    private static readonly HashSet<string> s_perTask = new(StringComparer.Ordinal)
    {
        "--shard", "--plan", "--partial", "--threads", "-j", "--no-progress", "--rejects", "--state", "--rebuild", "--output", "-o",
    };

    public Option<FileInfo?> Partial { get; } = new("--partial")
    {
        Description = "Write this task's mergeable state to this file (the documented .xap format) instead of the results, "
            + "for 'xanalytics merge PLAN PARTIALS... OUTDIR'. Needs --plan and --shard. Written whole or not at all. "
            + "Exits 0 once the partial is written, even with rejected lines (the merge reports them, exit 3).",
    };

    public void AddTo(Command command) => command.Options.Add(Partial);

    /// <summary>
    /// The options of the command line that decide the result, as tokens (<c>--by</c>, <c>event_type</c>): every
    /// option given (not defaulted) but the per-task ones, sorted by name, each token after its option's name.
    /// </summary>
    public static IReadOnlyList<string> ResultArguments(ParseResult result)
    {
        var options = new List<(string Name, List<string> Tokens)>();
        for (SymbolResult? scope = result.CommandResult; scope is not null; scope = scope.Parent)
        {
            if (scope is not CommandResult command)
            {
                continue;
            }

            foreach (SymbolResult child in command.Children)
            {
                if (child is OptionResult { Implicit: false } option && !s_perTask.Contains(option.Option.Name))
                {
                    options.Add((option.Option.Name, [.. option.Tokens.Select(static t => t.Value)]));
                }
            }
        }

        options.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var tokens = new List<string>();
        foreach ((string name, List<string> values) in options)
        {
            if (values.Count == 0)
            {
                tokens.Add(name);
            }

            foreach (string value in values)
            {
                tokens.Add(name);
                tokens.Add(value);
            }
        }

        return tokens;
    }

    /// <summary>
    /// With <c>--partial</c>: runs the task over its shard, writes the partial file and gives the exit code (the
    /// summary is printed as for the command itself); without it, null and nothing is done.
    /// </summary>
    public async Task<int?> TryRunAsync<TPartial>(
        ParseResult result, CommonOptions common, PipelineOptions options, IReadOnlyList<IEventStage> stages, IPartialAggregate<TPartial> aggregate,
        string? filters, CancellationToken ct)
        where TPartial : class
    {
        FileInfo? path = result.GetValue(Partial);
        if (path is null)
        {
            return null;
        }

        (ShardSelection? shard, ShardPlan? plan) = common.ShardOf(result);
        if (shard is null || plan is null)
        {
            throw new ArgumentException("--partial needs --plan PLAN and --shard i/N: a partial belongs to one shard of one plan (make the plan with 'xanalytics plan INPUT... --shards N').");
        }

        string target = PathChecks.WritableFile(path, Partial.Name);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var capture = new PartialCapture<TPartial>(aggregate);
        RunResult run = await CommandRunner.RunAsync(result, CommonOptions.Excluding(options, target), stages, new AggregateSink<TPartial>(capture), !result.GetValue(common.NoProgress), ct);
        RunCounters c = run.Counters;
        var header = new PartialHeader
        {
            PlanId = plan.Id,
            Shard = shard,
            Command = result.CommandResult.Command.Name,
            Arguments = ResultArguments(result),
            Read = c.LinesRead,
            Written = c.Written,
            Filtered = c.Filtered,
            Rejected = c.Rejected,
            BadFiles = c.BadFiles.Count,
        };
        // A run stopped by a signal has thrown before this point: no partial is published for it.
        ct.ThrowIfCancellationRequested();
        PartialFile.Write(target, header, aggregate, capture.Partial!);
        await result.InvocationConfiguration.Error.WriteLineAsync($"xanalytics: partial of shard {shard} (plan {plan.Id}) written to {target}");
        int exit = CommandRunner.Finish(result, run, filters);
        if (exit == ExitCodes.DataProblems)
        {
            // The task did its part: a scheduler must not rerun it or hold the merge back for bad lines in the input.
            // The partial carries the counts, and the merge exits 3 for them, as one process would.
            await result.InvocationConfiguration.Error.WriteLineAsync("xanalytics: exit 0: the partial is complete; its rejected lines and bad files are counted in it and reported by the merge (exit 3).");
            return ExitCodes.Clean;
        }

        return exit;
    }
}
