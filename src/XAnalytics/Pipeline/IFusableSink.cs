using XAnalytics.Events;

namespace XAnalytics.Pipeline;

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
