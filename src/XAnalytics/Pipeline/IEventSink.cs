using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;

namespace XAnalytics.Pipeline;

/// <summary>Where the events of a run end: an aggregate, an output folder, a writer.</summary>
public interface IEventSink
{
    /// <summary>True when the sink needs events in input order (files in order, lines in order).</summary>
    bool RequiresInputOrder { get; }

    /// <summary>
    /// Builds the sink's block for one run. It must count the events it takes
    /// (<see cref="RunCounters"/>' written) and dispose each batch when done with it.
    /// </summary>
    ITargetBlock<EventBatch> CreateBlock(StageContext context);

    /// <summary>Called once after the block completed without fault: merge, flush, move outputs into place.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);
}
