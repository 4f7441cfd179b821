using System.Runtime.CompilerServices;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Tests.Aggregates;

/// <summary>
/// A combined aggregate lets go of each part's partial as soon as it is merged or completed, so the end of a run does
/// not hold a merged-from partial's parts (or a completed part's state) until every part is done.
/// </summary>
public sealed class CombinedAggregateTests
{
    [Fact]
    public void Merge_EachPartMerged_FromLetsGoOfItBeforeTheNextPartMerges()
    {
        var first = new Probe();
        var second = new Probe();
        var combined = new CombinedAggregate(AggregatePart.Of(first), AggregatePart.Of(second));
        CombinedPartial into = combined.CreatePartial(), from = combined.CreatePartial();
        WeakReference fromFirst = WeakTo(from, 0);
        second.OnMerge = () =>
        {
            // The first part's merged-from partial is referenced by nothing once merged.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Assert.False(fromFirst.IsAlive);
        };

        combined.Merge(into, from);

        Assert.Equal(1, second.Merges);
        Assert.All(from.Partials, Assert.Null);
        Assert.Throws<InvalidOperationException>(() => combined.Merge(into, from));
    }

    [Fact]
    public void Complete_EachPartCompleted_ResultLetsGoOfIt()
    {
        var first = new Probe();
        var second = new Probe();
        var combined = new CombinedAggregate(AggregatePart.Of(first), AggregatePart.Of(second));
        CombinedPartial result = combined.CreatePartial();
        object firstPartial = result.Partials[0]!;
        second.OnComplete = () => Assert.Null(result.Partials[0]);

        combined.Complete(result);

        Assert.Same(firstPartial, first.Completed);
        Assert.NotNull(second.Completed);
        Assert.All(result.Partials, Assert.Null);
        Assert.Throws<InvalidOperationException>(() => combined.Complete(result));
    }

    // Out of line, so no temporary of the test method's keeps the partial alive.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference WeakTo(CombinedPartial partial, int part) => new(partial.Partials[part]);

    private sealed class Probe : IEventAggregate<List<int>>
    {
        public Action? OnMerge { get; set; }

        public Action? OnComplete { get; set; }

        public int Merges { get; private set; }

        public object? Completed { get; private set; }

        public List<int> CreatePartial() => [.. new int[1000]];

        public void Accumulate(List<int> target, EventBatch batch)
        {
        }

        public void Merge(List<int> into, List<int> from)
        {
            Merges++;
            OnMerge?.Invoke();
        }

        public void Complete(List<int> result)
        {
            OnComplete?.Invoke();
            Completed = result;
        }
    }
}
