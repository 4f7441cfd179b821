using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;

namespace XAnalytics.Pipeline;

/// <summary>
/// A processing step between parsing and the sink. Built fresh for each run from the run's context.
/// </summary>
/// <remarks>
/// The block it returns receives parsed batches and must send on every batch it does not drop (disposing
/// dropped ones), count what it filters in <see cref="RunCounters"/>, keep input order when
/// <see cref="StageContext.Ordered"/>, and honour <see cref="StageContext.CancellationToken"/>. Build it from
/// the framework's blocks (<see cref="TransformBlock{TInput, TOutput}"/> with
/// <see cref="StageContext.ParallelBlockOptions"/> is the usual choice).
/// </remarks>
public interface IEventStage
{
    /// <summary>The stage's name, for counters and errors.</summary>
    string Name { get; }

    /// <summary>
    /// True when the stage needs events in input order even if the sink does not (sequential pseudonyms are
    /// assigned in first-seen order): the run then keeps input order throughout. Default false.
    /// </summary>
    bool RequiresInputOrder => false;

    /// <summary>Builds the stage's block for one run.</summary>
    IPropagatorBlock<EventBatch, EventBatch> CreateBlock(StageContext context);
}
