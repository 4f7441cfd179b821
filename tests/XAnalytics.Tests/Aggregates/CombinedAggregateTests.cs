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

    /// <summary>
    /// A part written by a build that lays it out in another version (a --state folder kept across an upgrade) is refused
    /// as such, naming the part, both versions and the way out, not as a damaged file.
    /// </summary>
    [Fact]
    public void ReadPartial_PartOfAnotherVersion_SaysSoAndHowToRebuild()
    {
        var written = new CombinedAggregate(AggregatePart.Of(new Versioned(1)));
        var writer = new PartialWriter();
        written.WritePartial(written.CreatePartial(), writer);
        byte[] bytes = writer.WrittenSpan.ToArray();

        var reading = new CombinedAggregate(AggregatePart.Of(new Versioned(2)));
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => reading.ReadPartial(new PartialReader(bytes, "state-000001.xap")));
        Assert.Contains("'probe' version 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("reads version 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("--rebuild", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("damaged", e.Message, StringComparison.Ordinal);

        // The same version reads back.
        Assert.NotNull(written.ReadPartial(new PartialReader(bytes, "state-000001.xap")));
    }

    // Out of line, so no temporary of the test method's keeps the partial alive.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference WeakTo(CombinedPartial partial, int part) => new(partial.Partials[part]);

    private sealed class Versioned(int version) : IPartialAggregate<List<int>>
    {
        public string StateName => "probe";

        public int StateVersion => version;

        public List<int> CreatePartial() => [];

        public void Accumulate(List<int> target, EventBatch batch)
        {
        }

        public void Merge(List<int> into, List<int> from)
        {
        }

        public void Complete(List<int> result)
        {
        }

        public void WritePartial(List<int> state, PartialWriter writer) => writer.WriteUInt(7);

        public List<int> ReadPartial(PartialReader reader) => [reader.ReadCount()];
    }

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
