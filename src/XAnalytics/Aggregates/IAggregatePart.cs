using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Aggregates;

/// <summary>An aggregate with its partial type hidden, so aggregates of different types can be combined.</summary>
public interface IAggregatePart
{
    /// <summary>See <see cref="IEventAggregate{TPartial}.CreatePartial"/>.</summary>
    object CreatePartial();

    /// <summary>See <see cref="IEventAggregate{TPartial}.Accumulate"/>.</summary>
    void Accumulate(object target, EventBatch batch);

    /// <summary>See <see cref="IEventAggregate{TPartial}.Merge"/>.</summary>
    void Merge(object into, object from);

    /// <summary>See <see cref="IEventAggregate{TPartial}.Complete"/>.</summary>
    void Complete(object result);
}
