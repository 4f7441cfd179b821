using System.Collections.Concurrent;
using System.Text;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Tests.TestSupport;

/// <summary>One event as a sink saw it.</summary>
internal readonly record struct SeenEvent(int FileIndex, long Line, string Text);

/// <summary>
/// A sink that records every event it is given, in arrival order. With <c>requiresInputOrder</c> it takes one
/// batch at a time, so the arrival order is exactly what the pipeline delivered.
/// </summary>
internal sealed class RecordingSink(bool requiresInputOrder) : IEventSink
{
    private readonly ConcurrentQueue<SeenEvent> _seen = new();

    public bool RequiresInputOrder { get; } = requiresInputOrder;

    public IReadOnlyList<SeenEvent> Seen => [.. _seen];

    public ITargetBlock<EventBatch> CreateBlock(StageContext context)
    {
        ExecutionDataflowBlockOptions options = context.ParallelBlockOptions(RequiresInputOrder ? 1 : null);
        return new ActionBlock<EventBatch>(
            batch =>
            {
                using (batch)
                {
                    for (int i = 0; i < batch.Count; i++)
                    {
                        _seen.Enqueue(new SeenEvent(batch.Source.Index, batch.GetLineNumber(i), Encoding.UTF8.GetString(batch.GetUtf8(i))));
                    }

                    context.Counters.AddWritten(batch.Count);
                }
            },
            options);
    }

    public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
