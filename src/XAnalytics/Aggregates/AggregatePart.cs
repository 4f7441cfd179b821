using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Aggregates;

/// <summary>Makes <see cref="IAggregatePart"/>s.</summary>
public static class AggregatePart
{
    /// <summary>Wraps an aggregate for <see cref="CombinedAggregate"/>.</summary>
    public static IAggregatePart Of<TPartial>(IEventAggregate<TPartial> aggregate)
        where TPartial : class
        => new Part<TPartial>(aggregate ?? throw new ArgumentNullException(nameof(aggregate)));

    private sealed class Part<TPartial>(IEventAggregate<TPartial> aggregate) : IAggregatePart
        where TPartial : class
    {
        public object CreatePartial() => aggregate.CreatePartial();

        public void Accumulate(object target, EventBatch batch) => aggregate.Accumulate((TPartial)target, batch);

        public void Merge(object into, object from) => aggregate.Merge((TPartial)into, (TPartial)from);

        public void Complete(object result) => aggregate.Complete((TPartial)result);
    }
}
