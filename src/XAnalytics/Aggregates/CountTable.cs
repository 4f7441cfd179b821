using XAnalytics.Events;
using XAnalytics.Internal;

namespace XAnalytics.Aggregates;

/// <summary>A partial count: one per worker thread.</summary>
public sealed class CountTable
{
    internal CountTable(IReadOnlyList<FieldPath> key)
    {
        Key = new FieldKey(key);
    }

    /// <summary>Events counted into this partial.</summary>
    public long Events { get; internal set; }

    internal FieldKey Key { get; }

    /// <summary>This worker's own table, while the count has few distinct values.</summary>
    internal Utf8Counter Counter { get; } = new();

    /// <summary>The run's shared table, once this worker's table grew past <see cref="CountAggregate.ShareAbove"/> values.</summary>
    internal SharedUtf8Counter? Shared { get; set; }
}
