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

    /// <summary>Runs of tied rows up to this length are sorted by insertion.</summary>
    private const int InsertionSortUpTo = 16;

    private readonly IReadOnlyList<Utf8Counter> _tables;
    private readonly Row[] _order;
    private readonly int _fields;

    private CountRows(IReadOnlyList<Utf8Counter> tables, Row[] order, int fields)
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
            ref readonly Row r = ref _order[index];
            ReadOnlySpan<byte> key = _tables[r.Table].GetKey(r.Entry, out long count);
            bool[] isJson = new bool[_fields];
            string?[] values = FieldKey.Decode(key, _fields, isJson);
            return new CountRow(values, count) { IsJson = isJson };
        }
    }

    /// <summary>Hands every row to <paramref name="visitor"/> in order, as the bytes of its key.</summary>
    public void Visit(ICountRowVisitor visitor)
    {
        for (int i = 0; i < _order.Length; i++)
        {
            ref readonly Row r = ref _order[i];
            ReadOnlySpan<byte> key = _tables[r.Table].GetKey(r.Entry, out long count);
            FieldKey.Visit(key, _fields, visitor);
            visitor.EndRow(count);
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
        int at = 0;
        bool valid = true;
        for (int t = 0; t < tables.Count; t++)
        {
            Utf8Counter table = tables[t];
            for (int e = 0; e < table.Count; e++)
            {
                // In entry order, the keys are read in the order they lie in the arena: one sequential pass.
                ReadOnlySpan<byte> key = table.GetKey(e, out long count);
                ref Row row = ref order[at++];
                row.Count = count;
                row.Table = t;
                row.Entry = e;
                valid = valid && IsValidUtf8(key, fields);
                Fill(ref row, key, 0, 0);
            }
        }

        if (!valid)
        {
            Array.Sort(order, new ExactComparer(tables, fields));
            return new CountRows(tables, order, fields);
        }

        order.AsSpan().Sort(new CountThenWindow());
        var pending = new Stack<Run>();
        PushTies(order, 0, total, 0, 0, pending);
        while (pending.TryPop(out Run run))
        {
            Refine(tables, fields, order, run, pending);
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

    /// <summary>
    /// Breaks the tie of <paramref name="run"/>: its rows' windows are equal at (field, depth); they are refilled one
    /// step on (without sorting while they stay all equal: a prefix every key of the run shares), then sorted, and
    /// their own ties pushed.
    /// </summary>
    private static void Refine(IReadOnlyList<Utf8Counter> tables, int fields, Row[] order, Run run, Stack<Run> pending)
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
                Fill(ref row, tables[row.Table].GetKey(row.Entry, out _), field, depth);
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

    /// <summary>A row: its count, its current window, and its entry.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Row
    {
        public long Count;
        public ulong Hi;
        public ulong Lo;
        public int Table;
        public int Entry;
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
    private sealed class ExactComparer(IReadOnlyList<Utf8Counter> tables, int fields) : IComparer<Row>
    {
        public int Compare(Row x, Row y)
        {
            int byCount = y.Count.CompareTo(x.Count);
            return byCount != 0 ? byCount
                : FieldKey.Compare(tables[x.Table].GetKey(x.Entry, out _), tables[y.Table].GetKey(y.Entry, out _), fields);
        }
    }
}
