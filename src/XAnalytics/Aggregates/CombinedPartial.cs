namespace XAnalytics.Aggregates;

/// <summary>The partials of a <see cref="CombinedAggregate"/>, one per part.</summary>
public sealed class CombinedPartial
{
    internal CombinedPartial(object[] partials) => Partials = partials;

    internal object[] Partials { get; }
}
