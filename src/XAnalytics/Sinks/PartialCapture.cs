using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Sinks;

/// <summary>
/// Runs an aggregate but keeps its merged partial instead of completing it: a sharded task's run, whose partial goes
/// into a partial file (<see cref="PartialFile.Write{TPartial}"/>) for <c>xanalytics merge</c> to complete.
/// </summary>
/// <typeparam name="TPartial">The aggregate's partial.</typeparam>
public sealed class PartialCapture<TPartial> : IEventAggregate<TPartial>
    where TPartial : class
{
    private readonly IPartialAggregate<TPartial> _aggregate;

    /// <summary>Wraps <paramref name="aggregate"/>.</summary>
    public PartialCapture(IPartialAggregate<TPartial> aggregate) => _aggregate = aggregate ?? throw new ArgumentNullException(nameof(aggregate));

    /// <summary>The run's merged partial, once the run has ended without fault; null before.</summary>
    public TPartial? Partial { get; private set; }

    /// <inheritdoc/>
    public TPartial CreatePartial() => _aggregate.CreatePartial();

    /// <inheritdoc/>
    public void Accumulate(TPartial target, EventBatch batch) => _aggregate.Accumulate(target, batch);

    /// <inheritdoc/>
    public void Merge(TPartial into, TPartial from) => _aggregate.Merge(into, from);

    /// <inheritdoc/>
    public void Complete(TPartial result) => Partial = result;
}
