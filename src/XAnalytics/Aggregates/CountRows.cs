using XAnalytics.Internal;

namespace XAnalytics.Aggregates;

/// <summary>
/// The rows of a count, most frequent first, then by value (<see cref="FieldKey.Compare"/>): an index into the
/// finished tables, sorted once. A row's strings are decoded when it is read, so a count of a million distinct
/// values holds its keys once, as bytes, not a million row objects beside them.
/// </summary>
internal sealed class CountRows : IReadOnlyList<CountRow>
{
    private readonly IReadOnlyList<Utf8Counter> _tables;
    private readonly Ref[] _order;
    private readonly int _fields;

    private CountRows(IReadOnlyList<Utf8Counter> tables, Ref[] order, int fields)
    {
        _tables = tables;
        _order = order;
        _fields = fields;
    }

    public int Count => _order.Length;

    public CountRow this[int index]
    {
        get
        {
            ref readonly Ref r = ref _order[index];
            ReadOnlySpan<byte> key = _tables[r.Table].GetKey(r.Entry, out long count);
            bool[] isJson = new bool[_fields];
            string?[] values = FieldKey.Decode(key, _fields, isJson);
            return new CountRow(values, count) { IsJson = isJson };
        }
    }

    public static CountRows Sorted(IReadOnlyList<Utf8Counter> tables, int fields)
    {
        int total = 0;
        foreach (Utf8Counter table in tables)
        {
            total += table.Count;
        }

        var order = new Ref[total];
        int at = 0;
        for (int t = 0; t < tables.Count; t++)
        {
            for (int e = 0; e < tables[t].Count; e++)
            {
                byte[] chunk = tables[t].GetKeyLocation(e, out int offset, out int length, out long count);
                order[at++] = new Ref(count, chunk, offset, length, t, e);
            }
        }

        var comparer = new RefComparer(fields);
        if (total < ParallelSortAbove || Environment.ProcessorCount < 2)
        {
            Array.Sort(order, comparer);
        }
        else
        {
            // Two halves sorted at once, then merged: the comparisons of many distinct values are cache misses into
            // the keys (300,000 URL event types: 0.8 s on one core), not arithmetic.
            int half = total / 2;
            Parallel.Invoke(() => Array.Sort(order, 0, half, comparer), () => Array.Sort(order, half, total - half, comparer));
            var merged = new Ref[total];
            int a = 0;
            int b = half;
            for (int i = 0; i < total; i++)
            {
                merged[i] = b == total || (a < half && comparer.Compare(order[a], order[b]) <= 0) ? order[a++] : order[b++];
            }

            order = merged;
        }

        return new CountRows(tables, order, fields);
    }

    public IEnumerator<CountRow> GetEnumerator()
    {
        for (int i = 0; i < _order.Length; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Rows above which the sort runs on two threads.</summary>
    private const int ParallelSortAbove = 50_000;

    /// <summary>A row: its count, where its key is (so a comparison reads the key without the table), and its entry.</summary>
    private readonly record struct Ref(long Count, byte[] Chunk, int Offset, int Length, int Table, int Entry);

    private sealed class RefComparer(int fields) : IComparer<Ref>
    {
        public int Compare(Ref x, Ref y)
        {
            int byCount = y.Count.CompareTo(x.Count);
            return byCount != 0 ? byCount
                : FieldKey.Compare(x.Chunk.AsSpan(x.Offset, x.Length), y.Chunk.AsSpan(y.Offset, y.Length), fields);
        }
    }
}
