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
/// Rows are placed by count first (a counting sort; a row reads its count from the key's record), then the rows of
/// one count are sorted by window; rows whose windows tie are read again 15 bytes further on (or at the next field,
/// or past the prefix a whole run shares) and sorted among themselves, as an MSD radix sort would, until every tie is
/// broken. Only those refills
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
            return new CountRow(values, r.Count(_chunks)) { IsJson = isJson };
        }
    }

    /// <summary>Hands every row to <paramref name="visitor"/> in order, as the bytes of its key.</summary>
    public void Visit(ICountRowVisitor visitor)
    {
        for (int i = 0; i < _order.Length; i++)
        {
            ref readonly Row r = ref _order[i];
            FieldKey.Visit(r.Key(_chunks), _fields, visitor);
            visitor.EndRow(r.Count(_chunks));
        }
    }

    public static CountRows Sorted(IReadOnlyList<Utf8Counter> tables, int fields)
    {
        int total = 0;
        foreach (Utf8Counter table in tables)
        {
            total += table.Count;
        }

        // The tables' chunks side by side: a row names its key's chunk by its index here.
        byte[][] chunks = Utf8Counter.ChunksSideBySide(tables);

        // Most frequent first, by a counting sort on the counts (two sequential passes over the arenas): the rows
        // carry no count, which they read from the key's record, so that a row is 22 bytes.
        var places = new CountPlaces();
        bool valid = true;
        foreach (Utf8Counter table in tables)
        {
            Utf8Counter.Cursor records = table.Records();
            while (records.MoveNext())
            {
                places.Add(records.Count);
                valid = valid && IsValidUtf8(records.Key, fields);
            }
        }

        var ties = new Stack<Run>();
        places.Place(ties);

        var order = new Row[total];
        int chunkBase = 0;
        foreach (Utf8Counter table in tables)
        {
            Utf8Counter.Cursor records = table.Records();
            while (records.MoveNext())
            {
                ref int at = ref places.Next(records.Count);
                ref Row row = ref order[at++];
                row.Chunk = chunkBase + records.ChunkIndex;
                row.Offset = (ushort)records.Offset;
            }

            chunkBase += table.ChunkCount;
        }

        if (!valid)
        {
            foreach (Run run in ties)
            {
                Array.Sort(order, run.Start, run.Length, new ExactComparer(chunks, fields));
            }

            return new CountRows(chunks, order, fields);
        }

        if (total < ParallelAbove || Environment.ProcessorCount < 2)
        {
            while (ties.TryPop(out Run run))
            {
                Refine(chunks, fields, order, run, ties);
            }
        }
        else
        {
            RefineInParallel(chunks, fields, order, ties);
        }

        return new CountRows(chunks, order, fields);
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
    /// Sorts <paramref name="run"/>, whose rows tie on everything before (field, depth): their windows are filled
    /// there and sorted, and runs that still tie pushed. While the whole run stays equal it is not sorted: the pass
    /// that filled the windows also measured the prefix every key of the run shares, and the next fill starts past
    /// it (URL event types share 30 to 60 bytes, which took a pass per 15 bytes).
    /// </summary>
    private static void Refine(byte[][] chunks, int fields, Row[] order, Run run, Stack<Run> pending)
    {
        Span<Row> rows = order.AsSpan(run.Start, run.Length);
        int field = run.Field;
        int depth = run.Depth;
        while (true)
        {
            ReadOnlySpan<byte> first = FieldKey.Value(rows[0].Key(chunks), field, out byte firstTag);
            bool allEqual = true;
            int shared = int.MaxValue;
            for (int i = 0; i < rows.Length; i++)
            {
                ref Row row = ref rows[i];
                ReadOnlySpan<byte> value = FieldKey.Value(row.Key(chunks), field, out byte tag);
                Fill(ref row, value, tag, depth);
                if (allEqual)
                {
                    allEqual = row.Hi == rows[0].Hi && row.Lo == rows[0].Lo;
                    if (allEqual && shared > Window && tag != FieldKey.MissingTag && firstTag != FieldKey.MissingTag
                        && value.Length > depth && first.Length > depth)
                    {
                        shared = Math.Min(shared, value[depth..].CommonPrefixLength(first[depth..]));
                    }
                }
            }

            if (!allEqual)
            {
                break;
            }

            if ((byte)rows[0].Lo == GoesOn)
            {
                // Every value goes on past the window and shares at least its 15 bytes (the byte map is one to one).
                depth += Math.Max(Window, shared);
                continue;
            }

            // The value ended (or is missing) in all, with the same length and tag: the next field decides.
            field++;
            depth = 0;
            if (field == fields)
            {
                return; // equal keys: the tables hold distinct keys, so this is not reached
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

        PushTies(order, run.Start, run.Length, fields, field, depth, pending);
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

    /// <summary>
    /// Pushes every run of two or more rows with equal windows at (field, depth) within [start, start + length), to be
    /// filled next where they may differ: 15 bytes on, or at the next field when their value ended there.
    /// </summary>
    private static void PushTies(Row[] order, int start, int length, int fields, int field, int depth, Stack<Run> pending)
    {
        int end = start + length;
        int first = start;
        for (int i = start + 1; i <= end; i++)
        {
            if (i == end || order[i].Hi != order[first].Hi || order[i].Lo != order[first].Lo)
            {
                if (i - first > 1)
                {
                    if ((byte)order[first].Lo == GoesOn)
                    {
                        pending.Push(new Run(first, i - first, field, depth + Window));
                    }
                    else if (field + 1 < fields)
                    {
                        pending.Push(new Run(first, i - first, field + 1, 0));
                    }
                }

                first = i;
            }
        }
    }

    /// <summary>
    /// Sets <paramref name="row"/>'s window to bytes [depth, depth + 15) of <paramref name="value"/> (mapped to
    /// UTF-16 order, zeros past its end), and its last byte: <see cref="GoesOn"/> when the value is longer;
    /// 2 + 2 * bytes left + 1 for JSON text when it ends here (a shorter value first, then a string before the same
    /// JSON text, as <see cref="FieldKey.Compare"/>); 0 when the field is missing (before any value).
    /// </summary>
    private static void Fill(ref Row row, ReadOnlySpan<byte> value, byte tag, int depth)
    {
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

    /// <summary>
    /// A row: its current window and where its key's record is (<see cref="Utf8Counter"/>: the count is read from
    /// there). 22 bytes; it was 40 with the count and the key's length beside them.
    /// </summary>
    [StructLayout(LayoutKind.Sequential, Pack = 2)]
    private struct Row
    {
        public ulong Hi;
        public ulong Lo;
        public int Chunk;
        public ushort Offset;

        public readonly ReadOnlySpan<byte> Key(byte[][] chunks) => Utf8Counter.KeyAt(chunks[Chunk], Offset);

        public readonly long Count(byte[][] chunks) => Utf8Counter.CountAt(chunks[Chunk], Offset);
    }

    /// <summary>Rows [Start, Start + Length) that tie on everything before (Field, Depth).</summary>
    private readonly record struct Run(int Start, int Length, int Field, int Depth);

    private readonly struct WindowOnly : IComparer<Row>
    {
        public int Compare(Row x, Row y) => x.Hi != y.Hi ? x.Hi.CompareTo(y.Hi) : x.Lo.CompareTo(y.Lo);
    }

    /// <summary>
    /// A counting sort's tallies, then places, per count: an array for counts below 1,024 (most of a count of many
    /// distinct values: 96% of URL event types occur once), a dictionary for the rest.
    /// </summary>
    private sealed class CountPlaces
    {
        private const int Small = 1024;
        private readonly int[] _small = new int[Small];
        private readonly Dictionary<long, int> _large = [];

        public void Add(long count)
        {
            if ((ulong)count < Small)
            {
                _small[count]++;
            }
            else
            {
                CollectionsMarshal.GetValueRefOrAddDefault(_large, count, out _)++;
            }
        }

        /// <summary>Turns the tallies into the first place of each count, most frequent first; pushes the counts shared by two rows or more.</summary>
        public void Place(Stack<Run> ties)
        {
            long[] large = [.. _large.Keys];
            Array.Sort(large, static (x, y) => y.CompareTo(x));
            int next = 0;
            int at = 0;
            for (; at < large.Length && large[at] > 0; at++)
            {
                next = PlaceLarge(large[at], next, ties);
            }

            for (int count = Small - 1; count >= 0; count--)
            {
                int rows = _small[count];
                _small[count] = next;
                if (rows > 1)
                {
                    ties.Push(new Run(next, rows, 0, 0));
                }

                next += rows;
            }

            for (; at < large.Length; at++)
            {
                next = PlaceLarge(large[at], next, ties); // negative counts: not made by a count, but readable from a partial file
            }
        }

        /// <summary>The next place of a row with <paramref name="count"/>, after <see cref="Place"/>.</summary>
        public ref int Next(long count)
            => ref (ulong)count < Small ? ref _small[count] : ref CollectionsMarshal.GetValueRefOrNullRef(_large, count);

        private int PlaceLarge(long count, int next, Stack<Run> ties)
        {
            ref int slot = ref CollectionsMarshal.GetValueRefOrNullRef(_large, count);
            int rows = slot;
            slot = next;
            if (rows > 1)
            {
                ties.Push(new Run(next, rows, 0, 0));
            }

            return next + rows;
        }
    }

    /// <summary>The order itself, for keys that are not valid UTF-8.</summary>
    private sealed class ExactComparer(byte[][] chunks, int fields) : IComparer<Row>
    {
        public int Compare(Row x, Row y)
        {
            int byCount = y.Count(chunks).CompareTo(x.Count(chunks));
            return byCount != 0 ? byCount : FieldKey.Compare(x.Key(chunks), y.Key(chunks), fields);
        }
    }
}
