using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Aggregates;

/// <summary>
/// Several aggregates computed in one pass over the events: each batch is folded into every part's partial.
/// </summary>
public sealed class CombinedAggregate : IEventAggregate<CombinedPartial>
{
    private readonly IAggregatePart[] _parts;

    /// <summary>Combines <paramref name="parts"/> (see <see cref="AggregatePart.Of{TPartial}"/>).</summary>
    public CombinedAggregate(params IReadOnlyList<IAggregatePart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        _parts = [.. parts];
    }

    /// <inheritdoc/>
    public CombinedPartial CreatePartial()
    {
        var partials = new object[_parts.Length];
        for (int i = 0; i < _parts.Length; i++)
        {
            partials[i] = _parts[i].CreatePartial();
        }

        return new CombinedPartial(partials);
    }

    /// <inheritdoc/>
    public void Accumulate(CombinedPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        for (int i = 0; i < _parts.Length; i++)
        {
            _parts[i].Accumulate(target.Partials[i], batch);
        }
    }

    /// <inheritdoc/>
    public void Merge(CombinedPartial into, CombinedPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        for (int i = 0; i < _parts.Length; i++)
        {
            _parts[i].Merge(into.Partials[i], from.Partials[i]);
        }
    }

    /// <inheritdoc/>
    public void Complete(CombinedPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        for (int i = 0; i < _parts.Length; i++)
        {
            _parts[i].Complete(result.Partials[i]);
        }
    }
}
