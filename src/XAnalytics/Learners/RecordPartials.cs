using System.Collections.Concurrent;

namespace XAnalytics.Learners;

/// <summary>The workers' partials of an <see cref="ILearnerRecordAnalysis{TRecord, TPartial}"/>: one per worker at a time, merged once at the end.</summary>
internal sealed class RecordPartials<TRecord, TPartial>(ILearnerRecordAnalysis<TRecord, TPartial> analysis)
    where TRecord : unmanaged
    where TPartial : class
{
    private readonly ConcurrentBag<TPartial> _partials = [];

    public ILearnerRecordAnalysis<TRecord, TPartial> Analysis => analysis;

    /// <summary>An idle partial, or a new one; give it back with <see cref="Return"/>.</summary>
    public TPartial Take() => _partials.TryTake(out TPartial? idle) ? idle : analysis.CreatePartial();

    public void Return(TPartial partial) => _partials.Add(partial);

    /// <summary>Merges the partials and completes the analysis; after the last learner.</summary>
    public void Complete()
    {
        TPartial? result = null;
        foreach (TPartial partial in _partials)
        {
            if (result is null)
            {
                result = partial;
            }
            else
            {
                analysis.Merge(result, partial);
            }
        }

        analysis.Complete(result ?? analysis.CreatePartial());
    }
}
