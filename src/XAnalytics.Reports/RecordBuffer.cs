namespace XAnalytics.Reports;

/// <summary>A growable array of records that keeps its storage between uses (a bucket's records, read back).</summary>
/// <typeparam name="T">The record.</typeparam>
internal sealed class RecordBuffer<T>
{
    private T[] _items = [];

    public int Count { get; private set; }

    public Span<T> Span => _items.AsSpan(0, Count);

    /// <summary>The storage the records are in (its first <see cref="Count"/> items): for comparers that hold it while a span of it is sorted.</summary>
    public T[] Items => _items;

    public void AddRange(ReadOnlySpan<T> records)
    {
        if (Count + records.Length > _items.Length)
        {
            Grow(Count + records.Length);
        }

        records.CopyTo(_items.AsSpan(Count));
        Count += records.Length;
    }

    public void Add(in T record)
    {
        if (Count == _items.Length)
        {
            Grow(Count + 1);
        }

        _items[Count++] = record;
    }

    public void Clear() => Count = 0;

    /// <summary>Makes room for <paramref name="capacity"/> records at once (no doubling on the way).</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity > _items.Length)
        {
            Array.Resize(ref _items, capacity);
        }
    }

    private void Grow(int needed) => Array.Resize(ref _items, Math.Max(needed, Math.Max(16, _items.Length * 2)));
}
