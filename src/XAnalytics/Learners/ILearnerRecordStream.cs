namespace XAnalytics.Learners;

/// <summary>
/// A record analysis that can also take a learner's records in pieces, in time order: what
/// <see cref="RecordShuffle{TRecord, TPartial}"/> hands over for a learner too large to load whole (a bot, a staff
/// script), whose records it sorts on disk instead. <c>Accumulate(target, learner, records)</c> must fold the same as
/// <see cref="Begin"/>, <see cref="Continue"/> over the records in any pieces, then <see cref="End"/>.
/// </summary>
/// <typeparam name="TRecord">What the analysis keeps of one event.</typeparam>
/// <typeparam name="TPartial">A worker's partial result.</typeparam>
internal interface ILearnerRecordStream<TRecord, TPartial> : ILearnerRecordAnalysis<TRecord, TPartial>
    where TRecord : unmanaged
    where TPartial : class
{
    /// <summary>Starts folding <paramref name="learner"/> (empty for the events without one) into <paramref name="target"/>.</summary>
    void Begin(TPartial target, string learner);

    /// <summary>The learner's next records, in time order; valid only during the call.</summary>
    void Continue(TPartial target, ReadOnlySpan<TRecord> records);

    /// <summary>Ends the learner begun last.</summary>
    void End(TPartial target);
}
