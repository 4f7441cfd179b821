using System.Globalization;
using XAnalytics.Pipeline;

namespace XAnalytics.Cli.Commands;

/// <summary>
/// A merge under way (<c>xanalytics merge</c>): the checked partial files of every shard of a plan. The merge runs
/// the command that wrote them with their options, and the command, seeing <see cref="Current"/>, completes its
/// aggregate from the partials instead of reading input, then writes its results as a run over the whole input
/// would: the same code writes both.
/// </summary>
internal sealed class MergeSession
{
    private static readonly AsyncLocal<MergeSession?> s_current = new();
    private readonly IReadOnlyList<(string Path, PartialHeader Header)> _parts;

    /// <summary>A merge of <paramref name="parts"/> (checked, in shard order), each read again when merged, so one file's bytes are held at a time.</summary>
    public MergeSession(ShardPlan plan, IReadOnlyList<(string Path, PartialHeader Header)> parts)
    {
        Plan = plan;
        _parts = parts;
    }

    /// <summary>The merge the running command is part of, or null for an ordinary run.</summary>
    public static MergeSession? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    public ShardPlan Plan { get; }

    /// <summary>Reads every shard's state, in shard order, merges them and completes <paramref name="aggregate"/>.</summary>
    public void Complete<TPartial>(IPartialAggregate<TPartial> aggregate)
        where TPartial : class
    {
        TPartial? merged = null;
        foreach ((string path, PartialHeader checkedHeader) in _parts)
        {
            (PartialHeader header, PartialReader state) = PartialFile.Open(path);
            if (header.PlanId != checkedHeader.PlanId || header.Shard != checkedHeader.Shard)
            {
                throw new InvalidDataException($"{path} changed during the merge.");
            }

            TPartial partial = PartialFile.ReadState(header, state, aggregate);
            if (merged is null)
            {
                merged = partial;
            }
            else
            {
                aggregate.Merge(merged, partial);
            }
        }

        aggregate.Complete(merged ?? aggregate.CreatePartial());
    }

    /// <summary>The shards' accounting added up on stderr, with a warning when nothing was counted; the exit code a one-process run would give.</summary>
    public int Finish(TextWriter error)
    {
        long read = 0, written = 0, filtered = 0, rejected = 0, bad = 0;
        foreach ((_, PartialHeader h) in _parts)
        {
            read += h.Read;
            written += h.Written;
            filtered += h.Filtered;
            rejected += h.Rejected;
            bad += h.BadFiles;
        }

        var ci = CultureInfo.InvariantCulture;
        error.WriteLine(string.Create(ci, $"merged {_parts.Count} shards of plan {Plan.Id} ({Plan.Files.Count:N0} files)"));
        error.WriteLine(string.Create(ci, $"lines read {read:N0} = written {written:N0} + filtered {filtered:N0} + rejected {rejected:N0}"));
        if (bad > 0)
        {
            error.WriteLine(string.Create(ci, $"bad files: {bad:N0} (named in the shards' own summaries)"));
        }

        if (written == 0)
        {
            error.WriteLine(string.Create(ci, $"xanalytics: warning: no events were counted by any shard ({read:N0} lines read, {filtered:N0} filtered, {rejected:N0} rejected); the results are empty."));
        }

        return read != written + filtered + rejected ? ExitCodes.Failed : rejected > 0 || bad > 0 ? ExitCodes.DataProblems : ExitCodes.Clean;
    }
}
