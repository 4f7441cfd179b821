using XAnalytics.Pipeline;

namespace XAnalytics.Aggregates;

/// <summary>An <see cref="IAggregatePart"/> over an <see cref="IPartialAggregate{TPartial}"/>, its partial type hidden.</summary>
internal interface IPartialAggregatePart : IAggregatePart
{
    string StateName { get; }

    int StateVersion { get; }

    void WritePartial(object state, PartialWriter writer);

    object ReadPartial(PartialReader reader);
}
