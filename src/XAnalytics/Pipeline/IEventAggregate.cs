using XAnalytics.Events;

namespace XAnalytics.Pipeline;

/// <summary>
/// An aggregate computed as mergeable partials: each worker folds batches into a partial of its own, and the
/// partials are merged at the end. Order-free, so it runs on all threads.
/// </summary>
/// <typeparam name="TPartial">The partial result; used by one thread at a time.</typeparam>
public interface IEventAggregate<TPartial>
    where TPartial : class
{
    /// <summary>A new, empty partial.</summary>
    TPartial CreatePartial();

    /// <summary>Folds a parsed batch into the partial <paramref name="target"/>.</summary>
    void Accumulate(TPartial target, EventBatch batch);

    /// <summary>Merges <paramref name="from"/> into <paramref name="into"/>.</summary>
    void Merge(TPartial into, TPartial from);

    /// <summary>Receives the merged result once the run has ended without fault.</summary>
    void Complete(TPartial result);
}
