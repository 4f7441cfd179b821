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

    internal Utf8Counter Counter { get; } = new();
}
