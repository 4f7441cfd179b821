using System.Collections.Concurrent;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Sinks;

/// <summary>
/// A sink that folds events into an <see cref="IEventAggregate{TPartial}"/> on all threads. Each concurrent
/// invocation takes a partial from a bag and puts it back, so a partial is only ever touched by one thread,
/// and there are at most as many partials as threads.
/// </summary>
/// <typeparam name="TPartial">The aggregate's partial result.</typeparam>
public sealed class AggregateSink<TPartial> : IFusableSink
    where TPartial : class
{
    private readonly IEventAggregate<TPartial> _aggregate;
    private readonly ConcurrentBag<TPartial> _partials = [];

    /// <summary>Creates a sink for <paramref name="aggregate"/>.</summary>
    public AggregateSink(IEventAggregate<TPartial> aggregate)
        => _aggregate = aggregate ?? throw new ArgumentNullException(nameof(aggregate));

    /// <inheritdoc/>
    public bool RequiresInputOrder => false;

    /// <inheritdoc/>
    public ITargetBlock<EventBatch> CreateBlock(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ActionBlock<EventBatch>(batch => Consume(batch, context), context.ParallelBlockOptions());
    }

    /// <inheritdoc/>
    public void Consume(EventBatch batch, StageContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        using (batch)
        {
            if (!_partials.TryTake(out TPartial? partial))
            {
                partial = _aggregate.CreatePartial();
            }

            _aggregate.Accumulate(partial, batch);
            _partials.Add(partial);
            context.Counters.AddWritten(batch.Count);
        }
    }

    /// <inheritdoc/>
    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        TPartial? result = null;
        while (_partials.TryTake(out TPartial? partial))
        {
            if (result is null)
            {
                result = partial;
            }
            else
            {
                _aggregate.Merge(result, partial);
            }
        }

        _aggregate.Complete(result ?? _aggregate.CreatePartial());
        return Task.CompletedTask;
    }
}
