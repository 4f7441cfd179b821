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
/// Without it the workstation GC let that garbage pile up: <c>report</c> over 1M generated events peaked at 335-417 MiB
/// against 286-295 MiB with it, the same CPU within noise and the same output (published, alternating, 2-4 runs each).
/// Collecting only after a section that allocated 16 MiB or more (skipping the small ones) peaked at 330-336 MiB.
/// </remarks>
internal sealed class SequentialCompletion(IAggregatePart inner) : IPartialAggregatePart
{
    private readonly IPartialAggregatePart _inner = (IPartialAggregatePart)inner;

    public string StateName => _inner.StateName;

    public int StateVersion => _inner.StateVersion;

    public object CreatePartial() => _inner.CreatePartial();

    public void Accumulate(object target, EventBatch batch) => _inner.Accumulate(target, batch);

    public void Merge(object into, object from) => _inner.Merge(into, from);

    public void Complete(object result)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        _inner.Complete(result);
    }

    public void WritePartial(object state, PartialWriter writer) => _inner.WritePartial(state, writer);

    public object ReadPartial(PartialReader reader) => _inner.ReadPartial(reader);
}
