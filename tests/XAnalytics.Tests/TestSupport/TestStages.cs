using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Tests.TestSupport;

/// <summary>A stage that passes batches on, taking longer on some so parallel work finishes out of order.</summary>
internal sealed class JitterStage : IEventStage
{
    public string Name => "jitter";

    public IPropagatorBlock<EventBatch, EventBatch> CreateBlock(StageContext context)
        => new TransformBlock<EventBatch, EventBatch>(
            batch =>
            {
                // Busy work proportional to a hash of the batch's place: later batches often finish first.
                int spins = (int)(((batch.Source.Index * 7919) + (batch.Sequence * 104729)) % 5) * 20_000;
                Thread.SpinWait(spins);
                return batch;
            },
            context.ParallelBlockOptions());
}

/// <summary>A stage that drops events on even lines, counting them as filtered.</summary>
internal sealed class DropEvenLinesStage : IEventStage
{
    public string Name => "drop-even";

    public IPropagatorBlock<EventBatch, EventBatch> CreateBlock(StageContext context)
    {
        StageCounters counters = context.Counters.ForStage(Name);
        return new TransformBlock<EventBatch, EventBatch>(
            batch =>
            {
                var keep = new bool[batch.Count];
                for (int i = 0; i < keep.Length; i++)
                {
                    keep[i] = batch.GetLineNumber(i) % 2 == 1;
                }

                int dropped = batch.Retain(keep);
                context.Counters.AddFiltered(dropped);
                counters.Add(keep.Length, keep.Length - dropped);
                return batch;
            },
            context.ParallelBlockOptions());
    }
}

/// <summary>The fault a test stage or sink throws.</summary>
internal sealed class StageFailedException(string message) : Exception(message);

/// <summary>A stage that throws on its <c>failOn</c>-th batch (1-based) and passes the others on.</summary>
internal sealed class ThrowingStage(int failOn) : IEventStage
{
    private int _batches;

    public string Name => "throwing";

    public IPropagatorBlock<EventBatch, EventBatch> CreateBlock(StageContext context)
        => new TransformBlock<EventBatch, EventBatch>(
            batch =>
            {
                if (Interlocked.Increment(ref _batches) == failOn)
                {
                    throw new StageFailedException($"stage failed on batch {failOn}");
                }

                return batch;
            },
            context.ParallelBlockOptions());
}

/// <summary>
/// A stage that signals when its first batch arrives and then holds every batch until the run is cancelled,
/// so a test can cancel a run that is certainly under way with readers blocked behind it.
/// </summary>
internal sealed class GateStage : IEventStage
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "gate";

    public Task Started => _started.Task;

    public IPropagatorBlock<EventBatch, EventBatch> CreateBlock(StageContext context)
        => new TransformBlock<EventBatch, EventBatch>(
            async batch =>
            {
                _started.TrySetResult();
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                return batch;
            },
            context.ParallelBlockOptions());
}
