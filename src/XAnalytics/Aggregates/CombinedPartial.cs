namespace XAnalytics.Aggregates;

/// <summary>The partials of a <see cref="CombinedAggregate"/>, one per part.</summary>
public sealed class CombinedPartial
{
    internal CombinedPartial(object?[] partials) => Partials = partials;

    /// <summary>Each part's partial; null once merged into another or completed (see <see cref="CombinedAggregate"/>).</summary>
    internal object?[] Partials { get; }
}
