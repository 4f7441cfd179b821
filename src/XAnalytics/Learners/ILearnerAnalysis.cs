namespace XAnalytics.Learners;

/// <summary>
/// An analysis of learners, one learner at a time, each with all of their events in time order: sessions, time on
/// task, video viewings. Run it with <see cref="LearnerAnalysisSink{TPartial}"/>; learners are handed to worker
/// threads, each folding into a partial of its own, and the partials are merged at the end, as with
/// <see cref="Pipeline.IEventAggregate{TPartial}"/>.
/// </summary>
/// <typeparam name="TPartial">A worker's partial result.</typeparam>
public interface ILearnerAnalysis<TPartial>
    where TPartial : class
{
    /// <summary>A new, empty partial (one per worker thread).</summary>
    TPartial CreatePartial();

    /// <summary>Folds one learner into <paramref name="target"/>. Called on one worker at a time per partial.</summary>
    void Accumulate(TPartial target, LearnerGroup learner);

    /// <summary>Merges <paramref name="from"/> into <paramref name="into"/>.</summary>
    void Merge(TPartial into, TPartial from);

    /// <summary>Called once with the merged partial after the last learner.</summary>
    void Complete(TPartial result);
}
