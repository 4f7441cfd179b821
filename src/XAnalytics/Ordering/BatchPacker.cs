using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Ordering;

/// <summary>
/// Packs events, given one at a time in their final order, into batches for an ordered output, with back-pressure:
/// the sort's merge and the shuffle's buckets feed their outputs through it. One owner; not thread-safe.
/// </summary>
internal sealed class BatchPacker(SourceFile source, ITargetBlock<EventBatch> output)
{
    private long _sequence;
    private long _line;
    private EventBatch _batch = EventBatch.Create(source, 0);

    /// <summary>Adds an event; returns the batch to send when it filled one (the event starts the next).</summary>
    public EventBatch? Add(ReadOnlySpan<byte> json)
    {
        EventBatch? full = null;
        if (!_batch.TryAppend(json, ++_line))
        {
            full = _batch;
            _batch = EventBatch.Create(source, ++_sequence, Math.Max(EventBatch.DefaultDataBytes, json.Length + 1));
            _batch.TryAppend(json, _line);
        }

        if (_batch.IsFull && full is null)
        {
            // (A fresh batch filled by one event is sent with the next one, which will not fit.)
            full = _batch;
            _batch = EventBatch.Create(source, ++_sequence);
        }

        return full;
    }

    public Task SendAsync(EventBatch batch, CancellationToken cancellationToken)
        => BatchSends.SendOrStopAsync(output, batch, cancellationToken);

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_batch.Count > 0)
        {
            await BatchSends.SendOrStopAsync(output, _batch, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _batch.Dispose();
        }

        output.Complete();
        await output.Completion.ConfigureAwait(false);
    }
}
