using System.Runtime.CompilerServices;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// Wraps a report section's part so that the garbage of what completed before it (the worker partials merged into one,
/// the earlier sections' tables, which each drops once its rows are built, and the scratch those rows were built from)
/// is collected before it builds its own rows: the end of a run then peaks at the run's state plus one section's
/// completion, not at the sum of all of them.
/// </summary>
/// <remarks>
/// Without it the workstation GC let that garbage pile up: <c>report</c> over 1M generated events peaked at 399-404 MiB
/// (main: 403-407 MiB) against 287-288 MiB with it, the same output (published, 3 runs alternating). A compacting
/// collection of the whole heap costs tens of milliseconds, so it runs only when the completions since the last one
/// (or since the run, for the first section) allocated <see cref="CollectAfterBytes"/> or more: CPU 3.02-3.38 s against
/// 3.27-3.42 s for main; collecting before every section cost 3.37-3.57 s (284-296 MiB), and sweeping without
/// compacting was no cheaper (3.20-3.48 s). Tried again without it once <see cref="CombinedAggregate"/> let go of each
/// part's partial as soon as it was merged or completed (and the video records were spilled): the full report peaked at
/// 713-758 MiB against 472-493 MiB with it over 4M generated events (32 files), 372-387 MiB against 297-308 MiB over 1M,
/// the same CPU: it stays.
/// </remarks>
/// <param name="inner">The section's part (<see cref="IReportSection.Part"/>).</param>
/// <param name="lastCollection">
/// What the process had allocated (<see cref="GC.GetTotalAllocatedBytes(bool)"/>) at the last collection made by one of
/// the report's sections, shared by all of them; zero before the first.
/// </param>
internal sealed class SequentialCompletion(IAggregatePart inner, StrongBox<long> lastCollection) : IPartialAggregatePart
{
    /// <summary>What must have been allocated since the last collection for the next one to be worth its cost.</summary>
    internal const long CollectAfterBytes = 32L << 20;

    private readonly IPartialAggregatePart _inner = (IPartialAggregatePart)inner;

    public string StateName => _inner.StateName;

    public int StateVersion => _inner.StateVersion;

    public object CreatePartial() => _inner.CreatePartial();

    public void Accumulate(object target, EventBatch batch) => _inner.Accumulate(target, batch);

    public void Merge(object into, object from) => _inner.Merge(into, from);

    public void Complete(object result)
    {
        // Completion runs on one thread, section after section (CombinedAggregate.Complete): no race on the box.
        if (GC.GetTotalAllocatedBytes(precise: false) - lastCollection.Value >= CollectAfterBytes)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            lastCollection.Value = GC.GetTotalAllocatedBytes(precise: false);
        }

        _inner.Complete(result);
    }

    public void WritePartial(object state, PartialWriter writer) => _inner.WritePartial(state, writer);

    public object ReadPartial(PartialReader reader) => _inner.ReadPartial(reader);
}
