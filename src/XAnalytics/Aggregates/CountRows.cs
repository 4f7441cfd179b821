using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Unicode;
using XAnalytics.Internal;

namespace XAnalytics.Aggregates;

/// <summary>
/// The rows of a count, most frequent first, then by value (<see cref="FieldKey.Compare"/>): an index into the
/// finished tables, sorted once. A row's strings are decoded when it is read, so a count of a million distinct
/// values holds its keys once, as bytes, not a million row objects beside them; <see cref="Visit"/> hands the bytes
/// out without decoding them at all.
/// </summary>
/// <remarks>
/// <para>The order is <see cref="FieldKey.Compare"/>'s (UTF-16 ordinal of the decoded values), but the sort does not
/// call it: each row carries a window of 15 bytes of its key (big-endian in two <see cref="ulong"/>s, so integer order
/// is byte order) and a last byte saying whether the value goes on, ended (with its length and its tag) or is missing.
/// Rows are sorted by count and window; rows whose windows tie are read again 15 bytes further on (or at the next
/// field) and sorted among themselves, as an MSD radix sort would, until every tie is broken. Only those refills
/// touch the keys, in one pass over a run of rows (independent loads the processor overlaps), where a comparison sort
/// read two keys per comparison: 300,000 URL event types, most of which share their first 40 to 60 bytes, took 0.5 s
/// of comparisons that missed the cache.</para>
/// <para>UTF-8 byte order is UTF-16 order except that characters above U+FFFF (lead bytes F0-F4) come before
/// U+E000-U+FFFF (lead bytes EE, EF) in UTF-16; the windows hold bytes mapped so that they do (EE, EF move above F4).
/// Continuation bytes (80-BF) never meet lead bytes at a first difference, so the map is exact for valid UTF-8.
/// Invalid UTF-8 decodes to U+FFFD, which no byte map reproduces: when any key holds it, the rows are sorted with
/// <see cref="FieldKey.Compare"/> itself.</para>
/// </remarks>
internal sealed class CountRows : IReadOnlyList<CountRow>
{
    /// <summary>Bytes of a value in a row's window.</summary>
    private const int Window = 15;

    /// <summary>Last byte of a window whose value goes on past it.</summary>
    private const byte GoesOn = 0xFF;

    /// <summary>Rows above which ties are broken on every core (each run of ties is a range of its own).</summary>
    private const int ParallelAbove = 50_000;

    /// <summary>Runs of tied rows up to this length are sorted by insertion.</summary>
    private const int InsertionSortUpTo = 16;

    private readonly byte[][] _chunks;
    private readonly Row[] _order;
    private readonly int _fields;

    private CountRows(byte[][] chunks, Row[] order, int fields)
    {
        _chunks = chunks;
        _order = order;
        _fields = fields;
    }

    public int Count => _order.Length;

    public CountRow this[int index]
    {
        get
        {
            ref readonly Row r = ref _order[index];
            bool[] isJson = new bool[_fields];
            string?[] values = FieldKey.Decode(r.Key(_chunks), _fields, isJson);
            return new CountRow(values, r.Count) { IsJson = isJson };
        }
    }

    /// <summary>Hands every row to <paramref name="visitor"/> in order, as the bytes of its key.</summary>
    public void Visit(ICountRowVisitor visitor)
    {
        for (int i = 0; i < _order.Length; i++)
        {
            ref readonly Row r = ref _order[i];
            FieldKey.Visit(r.Key(_chunks), _fields, visitor);
            visitor.EndRow(r.Count);
        }
    }

    public static CountRows Sorted(IReadOnlyList<Utf8Counter> tables, int fields)
    {
        int total = 0;
        foreach (Utf8Counter table in tables)
        {
            total += table.Count;
        }

        var order = new Row[total];
        var chunks = new List<byte[]>();
        var chunkIndex = new Dictionary<byte[], int>(ReferenceEqualityComparer.Instance);
        byte[]? lastChunk = null;
        int lastIndex = -1;
        int at = 0;
        bool valid = true;
        foreach (Utf8Counter table in tables)
        {
            for (int e = 0; e < table.Count; e++)
            {
                // In entry order, the keys are read in the order they lie in the arena: one sequential pass. A row
                // holds its key's chunk as an index (no reference in a struct that the sort moves) and its offset, so
                // a refill reads the key at once, not the table's entry first.
                byte[] chunk = table.GetKeyLocation(e, out int offset, out int length, out long count);
                if (!ReferenceEquals(chunk, lastChunk))
                {
                    if (!chunkIndex.TryGetValue(chunk, out lastIndex))
                    {
                        lastIndex = chunks.Count;
                        chunks.Add(chunk);
                        chunkIndex.Add(chunk, lastIndex);
                    }

                    lastChunk = chunk;
                }

                ref Row row = ref order[at++];
                row.Count = count;
                row.Chunk = lastIndex;
                row.Offset = offset;
                row.Length = length;
                ReadOnlySpan<byte> key = chunk.AsSpan(offset, length);
                valid = valid && IsValidUtf8(key, fields);
                Fill(ref row, key, 0, 0);
            }
        }

        byte[][] chunkArray = [.. chunks];
        if (!valid)
        {
            Array.Sort(order, new ExactComparer(chunkArray, fields));
            return new CountRows(chunkArray, order, fields);
        }

        order.AsSpan().Sort(new CountThenWindow());
        var ties = new Stack<Run>();
        PushTies(order, 0, total, 0, 0, ties);
        if (total < ParallelAbove || Environment.ProcessorCount < 2)
        {
            while (ties.TryPop(out Run run))
            {
                Refine(chunkArray, fields, order, run, ties);
            }
        }
        else
        {
            RefineInParallel(chunkArray, fields, order, ties);
        }

        return new CountRows(chunkArray, order, fields);
    }

    public IEnumerator<CountRow> GetEnumerator()
    {
        for (int i = 0; i < _order.Length; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Breaks the tie of <paramref name="run"/>: its rows' windows are equal at (field, depth); they are refilled one
    /// step on (without sorting while they stay all equal: a prefix every key of the run shares), then sorted, and
    /// their own ties pushed.
    /// </summary>
    private static void Refine(byte[][] chunks, int fields, Row[] order, Run run, Stack<Run> pending)
    {
        Span<Row> rows = order.AsSpan(run.Start, run.Length);
        int field = run.Field;
        int depth = run.Depth;
        while (true)
        {
            if (!Next(rows[0].Lo, fields, ref field, ref depth))
            {
                return; // equal keys: the tables hold distinct keys, so this is not reached
            }

            bool allEqual = true;
            for (int i = 0; i < rows.Length; i++)
            {
                ref Row row = ref rows[i];
                Fill(ref row, row.Key(chunks), field, depth);
                allEqual = allEqual && row.Hi == rows[0].Hi && row.Lo == rows[0].Lo;
            }

            if (!allEqual)
            {
                break;
            }
        }

        if (rows.Length <= InsertionSortUpTo)
        {
            InsertionSort(rows);
        }
        else
        {
            rows.Sort(new WindowOnly());
        }

        PushTies(order, run.Start, run.Length, field, depth, pending);
    }

    /// <summary>
    /// Breaks the ties on every core: the runs are disjoint ranges of <paramref name="order"/>, so workers take them
    /// from one shared stack and push the runs they split off back onto it. A run is taken by one worker at a time;
    /// the work ends when the stack is empty and no worker holds a run (which could still push more).
    /// </summary>
    private static void RefineInParallel(byte[][] chunks, int fields, Row[] order, Stack<Run> initial)
    {
        var shared = new System.Collections.Concurrent.ConcurrentStack<Run>(initial);
        int busy = 0;
        void Work()
        {
            var local = new Stack<Run>();
            var spin = default(SpinWait);
            while (true)
            {
                Interlocked.Increment(ref busy);
                if (!shared.TryPop(out Run run))
                {
                    if (Interlocked.Decrement(ref busy) == 0 && shared.IsEmpty)
                    {
                        return;
                    }

                    spin.SpinOnce();
                    continue;
                }

                spin = default;
                Refine(chunks, fields, order, run, local);

                // Large runs go back to be shared; small ones are finished here, without the shared stack's cost.
                while (local.TryPop(out Run split))
                {
                    if (split.Length >= 4096)
                    {
                        shared.Push(split);
                    }
                    else
                    {
                        Refine(chunks, fields, order, split, local);
                    }
                }

                Interlocked.Decrement(ref busy);
            }
        }

        Parallel.Invoke(new ParallelOptions { MaxDegreeOfParallelism = Math.Min(Environment.ProcessorCount, 8) }, [.. Enumerable.Repeat<Action>(Work, Math.Min(Environment.ProcessorCount, 8))]);
    }

    /// <summary>Pushes every run of two or more rows with equal count and window within [start, start + length).</summary>
    private static void PushTies(Row[] order, int start, int length, int field, int depth, Stack<Run> pending)
    {
        int end = start + length;
        int first = start;
        for (int i = start + 1; i <= end; i++)
        {
            if (i == end || order[i].Count != order[first].Count || order[i].Hi != order[first].Hi || order[i].Lo != order[first].Lo)
            {
                if (i - first > 1)
                {
                    pending.Push(new Run(first, i - first, field, depth));
                }

                first = i;
            }
        }
    }

    /// <summary>Where rows whose windows at (field, depth) end in <paramref name="lo"/> and tie are compared next; false when nothing is left.</summary>
    private static bool Next(ulong lo, int fields, ref int field, ref int depth)
    {
        if ((byte)lo == GoesOn)
        {
            depth += Window;
            return true;
        }

        // The value ended (or is missing) in both, with the same length and tag: the next field decides.
        field++;
        depth = 0;
        return field < fields;
    }

    /// <summary>
    /// Sets <paramref name="row"/>'s window to bytes [depth, depth + 15) of field <paramref name="field"/>'s value
    /// (mapped to UTF-16 order, zeros past its end), and its last byte: <see cref="GoesOn"/> when the value is
    /// longer; 2 + 2 * bytes left + 1 for JSON text when it ends here (a shorter value first, then a string before
    /// the same JSON text, as <see cref="FieldKey.Compare"/>); 0 when the field is missing (before any value).
    /// </summary>
    private static void Fill(ref Row row, ReadOnlySpan<byte> key, int field, int depth)
    {
        ReadOnlySpan<byte> value = FieldKey.Value(key, field, out byte tag);
        if (tag == FieldKey.MissingTag)
        {
            row.Hi = 0;
            row.Lo = 0;
            return;
        }

        int left = value.Length - depth;
        ulong hi;
        ulong lo;
        if (left >= Window + 1)
        {
            hi = BinaryPrimitives.ReadUInt64BigEndian(value[depth..]);
            lo = BinaryPrimitives.ReadUInt64BigEndian(value[(depth + 8)..]) & ~0xFFUL;
        }
        else
        {
            Span<byte> padded = stackalloc byte[16];
            padded.Clear();
            value.Slice(depth, Math.Min(left, Window)).CopyTo(padded);
            hi = BinaryPrimitives.ReadUInt64BigEndian(padded);
            lo = BinaryPrimitives.ReadUInt64BigEndian(padded[8..]) & ~0xFFUL;
        }

        const ulong HighBits = 0x8080_8080_8080_8080;
        if (((hi | lo) & HighBits) != 0)
        {
            hi = MapToUtf16Order(hi);
            lo = MapToUtf16Order(lo);
        }

        row.Hi = hi;
        row.Lo = lo | (left > Window ? GoesOn : (ulong)(2 + (2 * left) + (tag == FieldKey.JsonTag ? 1 : 0)));
    }

    /// <summary>Moves the lead bytes EE and EF above F0-F4 in each byte of <paramref name="bytes"/>.</summary>
    private static ulong MapToUtf16Order(ulong bytes)
    {
        ulong mapped = 0;
        for (int shift = 56; shift >= 0; shift -= 8)
        {
            uint b = (uint)(bytes >> shift) & 0xFF;
            b = b switch
            {
                0xEE => 0xF3,
                0xEF => 0xF4,
                >= 0xF0 and <= 0xF4 => b - 2,
                _ => b,
            };
            mapped |= (ulong)b << shift;
        }

        return mapped;
    }

    private static bool IsValidUtf8(ReadOnlySpan<byte> key, int fields)
    {
        for (int f = 0; f < fields; f++)
        {
            ReadOnlySpan<byte> value = FieldKey.Value(key, f, out byte tag);
            if (tag != FieldKey.MissingTag && !Utf8.IsValid(value))
            {
                return false;
            }
        }

        return true;
    }

    private static void InsertionSort(Span<Row> rows)
    {
        for (int i = 1; i < rows.Length; i++)
        {
            Row x = rows[i];
            int j = i - 1;
            while (j >= 0 && (rows[j].Hi > x.Hi || (rows[j].Hi == x.Hi && rows[j].Lo > x.Lo)))
            {
                rows[j + 1] = rows[j];
                j--;
            }

            rows[j + 1] = x;
        }
    }

    /// <summary>A row: its count, its current window, and where its key is.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Row
    {
        public long Count;
        public ulong Hi;
        public ulong Lo;
        public int Chunk;
        public int Offset;
        public int Length;

        public readonly ReadOnlySpan<byte> Key(byte[][] chunks) => chunks[Chunk].AsSpan(Offset, Length);
    }

    /// <summary>Rows [Start, Start + Length) whose windows at (Field, Depth) tie.</summary>
    private readonly record struct Run(int Start, int Length, int Field, int Depth);

    private readonly struct CountThenWindow : IComparer<Row>
    {
        public int Compare(Row x, Row y)
            => x.Count != y.Count ? y.Count.CompareTo(x.Count)
                : x.Hi != y.Hi ? x.Hi.CompareTo(y.Hi)
                : x.Lo.CompareTo(y.Lo);
    }

    private readonly struct WindowOnly : IComparer<Row>
    {
        public int Compare(Row x, Row y) => x.Hi != y.Hi ? x.Hi.CompareTo(y.Hi) : x.Lo.CompareTo(y.Lo);
    }

    /// <summary>The order itself, for keys that are not valid UTF-8.</summary>
    private sealed class ExactComparer(byte[][] chunks, int fields) : IComparer<Row>
    {
        public int Compare(Row x, Row y)
        {
            int byCount = y.Count.CompareTo(x.Count);
            return byCount != 0 ? byCount : FieldKey.Compare(x.Key(chunks), y.Key(chunks), fields);
        }
    }
}
