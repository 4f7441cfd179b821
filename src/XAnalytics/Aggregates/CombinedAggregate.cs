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

/// <summary>The partials of a <see cref="CombinedAggregate"/>, one per part.</summary>
public sealed class CombinedPartial
{
    internal CombinedPartial(object[] partials) => Partials = partials;

    internal object[] Partials { get; }
}

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
