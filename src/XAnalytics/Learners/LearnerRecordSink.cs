using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Ordering;
using XAnalytics.Pipeline;

namespace XAnalytics.Learners;

/// <summary>
/// Runs an <see cref="ILearnerRecordAnalysis{TRecord, TPartial}"/> over a run's events: each event is projected to
/// the analysis' record while the run reads (in parallel), the records are gathered by learner (shuffled into
/// learner buckets, held in memory up to half of <see cref="SortOptions.MemoryBytes"/> and spilled beyond it, then
/// sorted a bucket a thread; or taken as they come when the input is already in learner order, as <c>sort</c> and
/// <c>shard --sorted</c> write it) and whole learners handed to worker threads. Learners come in no particular order.
/// </summary>
/// <remarks>
/// The same learners, in the same order within each, as <see cref="LearnerAnalysisSink{TPartial}"/> gives: the
/// learner key is <see cref="SortOptions.By"/>'s first field (default <c>username</c>), compared as text. Memory: the
/// records (a record and about 40 bytes an event), up to half the memory before the rest is spilled, plus a bucket
/// a thread while they are folded; a learner's records are held whole. The shuffle's facts are counted under
/// <c>shuffle</c>: <c>no-learner</c>, <c>no-time</c>, <c>spilled-bytes</c>.
/// </remarks>
/// <typeparam name="TRecord">The analysis' record of one event.</typeparam>
/// <typeparam name="TPartial">The analysis' partial result.</typeparam>
public sealed class LearnerRecordSink<TRecord, TPartial> : IEventSink
    where TRecord : unmanaged
    where TPartial : class
{
    private readonly IEventSink _inner;

    /// <summary>
    /// Creates the sink. <paramref name="sort"/> gives the learner key (its first field; default <c>username</c>) and
    /// the memory; with <paramref name="inputIsSorted"/> the events must arrive sorted by it (then time) and are not
    /// gathered again.
    /// </summary>
    public LearnerRecordSink(ILearnerRecordAnalysis<TRecord, TPartial> analysis, SortOptions? sort = null, bool inputIsSorted = false)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        sort ??= new SortOptions();
        var partials = new RecordPartials<TRecord, TPartial>(analysis);
        _inner = inputIsSorted ? new SortedRecordGroups<TRecord, TPartial>(partials, sort.By[0]) : new RecordShuffle<TRecord, TPartial>(partials, sort);
    }

    /// <inheritdoc/>
    public bool RequiresInputOrder => _inner.RequiresInputOrder;

    /// <inheritdoc/>
    public ITargetBlock<EventBatch> CreateBlock(StageContext context) => _inner.CreateBlock(context);

    /// <inheritdoc/>
    public Task CompleteAsync(CancellationToken cancellationToken) => _inner.CompleteAsync(cancellationToken);
}
