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

/// <summary>
/// A sink whose work on a batch is thread-safe and independent of order. When a run has no stages between
/// parsing and such a sink, the run folds each batch into it right after parsing, on the same thread while the
/// batch is still in cache, instead of handing it to a block of its own.
/// </summary>
public interface IFusableSink : IEventSink
{
    /// <summary>
    /// Takes a parsed batch (and its ownership: dispose it when done), counting what it takes as written.
    /// Called concurrently from several threads, with the run's context.
    /// </summary>
    void Consume(EventBatch batch, StageContext context);
}
