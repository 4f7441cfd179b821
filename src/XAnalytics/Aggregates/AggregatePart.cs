using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Aggregates;

/// <summary>Makes <see cref="IAggregatePart"/>s.</summary>
public static class AggregatePart
{
    /// <summary>Wraps an aggregate for <see cref="CombinedAggregate"/>.</summary>
    public static IAggregatePart Of<TPartial>(IEventAggregate<TPartial> aggregate)
        where TPartial : class
        => aggregate is IPartialAggregate<TPartial> partial
            ? new PartialPart<TPartial>(partial)
            : new Part<TPartial>(aggregate ?? throw new ArgumentNullException(nameof(aggregate)));

    private sealed class Part<TPartial>(IEventAggregate<TPartial> aggregate) : IAggregatePart
        where TPartial : class
    {
        public object CreatePartial() => aggregate.CreatePartial();

        public void Accumulate(object target, EventBatch batch) => aggregate.Accumulate((TPartial)target, batch);

        public void Merge(object into, object from) => aggregate.Merge((TPartial)into, (TPartial)from);

        public void Complete(object result) => aggregate.Complete((TPartial)result);
    }

    private sealed class PartialPart<TPartial>(IPartialAggregate<TPartial> aggregate) : IPartialAggregatePart
        where TPartial : class
    {
        public string StateName => aggregate.StateName;

        public int StateVersion => aggregate.StateVersion;

        public object CreatePartial() => aggregate.CreatePartial();

        public void Accumulate(object target, EventBatch batch) => aggregate.Accumulate((TPartial)target, batch);

        public void Merge(object into, object from) => aggregate.Merge((TPartial)into, (TPartial)from);

        public void Complete(object result) => aggregate.Complete((TPartial)result);

        public void WritePartial(object state, PartialWriter writer) => aggregate.WritePartial((TPartial)state, writer);

        public object ReadPartial(PartialReader reader) => aggregate.ReadPartial(reader);
    }
}
