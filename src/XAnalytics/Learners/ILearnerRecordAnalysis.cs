using XAnalytics.Events;

namespace XAnalytics.Learners;

/// <summary>
/// A per-learner analysis that says what it needs of each event: a small fixed record, projected from the event
/// while the run reads (on the reading workers, in parallel), then handed back one learner at a time, the learner's
/// records in time order. Run it with <see cref="LearnerRecordSink{TRecord, TPartial}"/>. Only the records are
/// gathered by learner, never the events' JSON: tens of bytes an event, where <see cref="ILearnerAnalysis{TPartial}"/>
/// holds and moves every event whole.
/// </summary>
/// <remarks>
/// <para>The order within a learner is <see cref="LearnerGroup"/>'s: the event's <c>time</c> as an instant (events
/// without a readable one last), then input order (file, then line). Learners come in no particular order, on
/// worker threads that each fold into a partial of their own, merged at the end.</para>
/// <para>Keep the record small and unmanaged (numbers, flags, ids of interned values): it is copied, held and,
/// when the run outgrows the memory, written to the scratch folder (LZ4) and read back.</para>
/// </remarks>
/// <typeparam name="TRecord">What the analysis keeps of one event.</typeparam>
/// <typeparam name="TPartial">A worker's partial result.</typeparam>
public interface ILearnerRecordAnalysis<TRecord, TPartial>
    where TRecord : unmanaged
    where TPartial : class
{
    /// <summary>
    /// The record of event <paramref name="index"/> of <paramref name="batch"/> (parsed), whose learner key is
    /// <paramref name="learner"/> (its text, unescaped; empty when the event has none) and whose <c>time</c> is
    /// <paramref name="ticks"/> (UTC ticks as the order reads it; <see cref="long.MaxValue"/> when missing or
    /// unreadable). Called for every event, concurrently on the reading workers: keep no state but thread-safe or
    /// thread-local state.
    /// </summary>
    void Project(EventBatch batch, int index, ReadOnlySpan<byte> learner, long ticks, out TRecord record);

    /// <summary>A new, empty partial (one per worker thread).</summary>
    TPartial CreatePartial();

    /// <summary>
    /// Folds one learner into <paramref name="target"/>: <paramref name="learner"/> is the key as text (empty for
    /// the events without one, handed over together), <paramref name="records"/> its records in time order, valid
    /// only during the call. Called on one worker at a time per partial.
    /// </summary>
    void Accumulate(TPartial target, string learner, ReadOnlySpan<TRecord> records);

    /// <summary>Merges <paramref name="from"/> into <paramref name="into"/>.</summary>
    void Merge(TPartial into, TPartial from);

    /// <summary>Called once with the merged partial after the last learner.</summary>
    void Complete(TPartial result);
}
