using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;

namespace XAnalytics.Pipeline;

/// <summary>Handing batches to a downstream block from code that produces them (a merge, a dealer).</summary>
internal static class BatchSends
{
    /// <summary>
    /// Sends <paramref name="batch"/> with back-pressure. A target that declines it (faulted, cancelled) gets no
    /// ownership: the batch is disposed here, and the target's fault, if any, surfaces; otherwise the send is
    /// reported as cancelled.
    /// </summary>
    public static async Task SendOrStopAsync(ITargetBlock<EventBatch> target, EventBatch batch, CancellationToken cancellationToken)
    {
        if (!await target.SendAsync(batch, cancellationToken).ConfigureAwait(false))
        {
            batch.Dispose();
            await target.Completion.ConfigureAwait(false);
            throw new OperationCanceledException("The output stopped taking events.");
        }
    }
}
