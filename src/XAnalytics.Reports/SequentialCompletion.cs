using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// Wraps a report part so that the garbage of the parts completed before it (their merged partials' scratch, the
/// transient tables their rows were built from) is collected before it builds its own rows: the end of a run then
/// peaks at the run's state plus the largest section's completion, not at the sum of all of them.
/// </summary>
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
