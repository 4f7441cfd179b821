using System.Buffers.Text;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using XAnalytics.Aggregates;
using XAnalytics.Internal;

namespace XAnalytics.Benchmarks.Micro;

/// <summary>
/// The end of a high-cardinality count: sorting its rows (most frequent first, then by value) and writing them,
/// at 300,000 and 1,000,000 distinct keys shaped like real logs' URL event types (a long shared prefix, then hex ids;
/// most seen once) or like timestamps (<c>--by time</c>: 32 bytes, nearly all distinct).
/// </summary>
/// <remarks>
/// <c>Sort_by_comparison</c> is the sort the rows had before (a comparison sort of references with
/// <see cref="FieldKey.Compare"/>, on one thread); <c>Sort_by_windows</c> is <see cref="CountRows.Sorted"/>.
/// <c>Write_from_strings</c> decodes each row as a row object with strings and writes it through a
/// <see cref="StreamWriter"/>, as the CLI did; <c>Write_from_bytes</c> copies the rows' bytes
/// (<see cref="CountResult.VisitRows"/>) into a buffer written every 64 KiB, as the CLI's <c>CountRowText</c> does.
/// </remarks>
[Config(typeof(Config))]
public class CountRowsBenchmarks
{
    private Utf8Counter[] _tables = [];
    private CountResult _result = null!;

    /// <summary>Distinct keys.</summary>
    [Params(300_000, 1_000_000)]
    public int Keys { get; set; }

    /// <summary>url: URL event types; time: timestamps.</summary>
    [Params("url", "time")]
    public string Shape { get; set; } = "url";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(16);
        _tables = new Utf8Counter[64]; // as many as the shared table's stripes
        for (int i = 0; i < _tables.Length; i++)
        {
            _tables[i] = new Utf8Counter();
        }

        string[] courses = ["VoceX/CI169x/2015_Spring", "PrairieU/PHY101/2014_T3", "OpenUX/DATA2x/2015_T1", "VoceX/ARCH5x/2015_Q1"];
        string[] kinds = ["courseware", "xblock", "discussion/forum", "jump_to_id"];
        var key = new List<byte>();
        var start = new DateTime(2015, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        for (int i = 0; i < Keys; i++)
        {
            string value = Shape == "time"
                ? start.AddTicks((long)i * 24_000_000 + random.Next(10)).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture)
                : $"/courses/{courses[random.Next(courses.Length)]}/{kinds[random.Next(kinds.Length)]}/{random.NextInt64():x16}{random.NextInt64():x16}/handler/xmodule_handler/problem_get";
            byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(value);
            key.Clear();
            key.Add(1); // a string
            key.AddRange(BitConverter.GetBytes(utf8.Length));
            key.AddRange(utf8);
            long count = random.Next(100) < 96 ? 1 : 1 + (long)(1000 / (1 + random.Next(1000)));
            byte[] k = [.. key];
            _tables[(int)(KeyHash.Of(k) >> 58)].Add(k, count);
        }

        _result = new CountResult(Keys, 0, CountRows.Sorted(_tables, 1));
    }

    [Benchmark(Baseline = true)]
    public int Sort_by_comparison()
    {
        int total = 0;
        foreach (Utf8Counter table in _tables)
        {
            total += table.Count;
        }

        var order = new (long Count, byte[] Chunk, int Offset, int Length)[total];
        int at = 0;
        foreach (Utf8Counter table in _tables)
        {
            Utf8Counter.Cursor records = table.Records();
            while (records.MoveNext())
            {
                order[at++] = (records.Count, records.Chunk, records.Offset + Utf8Counter.RecordHeader, records.Key.Length);
            }
        }

        Array.Sort(order, static (x, y) => x.Count != y.Count ? y.Count.CompareTo(x.Count)
            : FieldKey.Compare(x.Chunk.AsSpan(x.Offset, x.Length), y.Chunk.AsSpan(y.Offset, y.Length), 1));
        return order.Length;
    }

    [Benchmark]
    public int Sort_by_windows() => CountRows.Sorted(_tables, 1).Count;

    [Benchmark]
    public long Write_from_strings()
    {
        using var writer = new StreamWriter(Stream.Null, new System.Text.UTF8Encoding(false), 64 * 1024);
        long rows = 0;
        foreach (CountRow row in _result.Rows!)
        {
            writer.Write(row.Values[0]);
            writer.Write('\t');
            writer.Write(row.Count.ToString(CultureInfo.InvariantCulture));
            writer.Write('\n');
            rows++;
        }

        return rows;
    }

    [Benchmark]
    public long Write_from_bytes()
    {
        var writer = new ByteRows();
        _result.VisitRows(writer);
        writer.Drain();
        return writer.Rows;
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddDiagnoser(MemoryDiagnoser.Default);
    }

    /// <summary>TSV rows into a 64 KiB buffer, written to <see cref="Stream.Null"/> when full (no escaping: none is needed here).</summary>
    private sealed class ByteRows : ICountRowVisitor
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _used;

        public long Rows { get; private set; }

        public void Value(ReadOnlySpan<byte> utf8, CountValueKind kind)
        {
            if (utf8.Length + 1 > _buffer.Length - _used)
            {
                Drain();
            }

            utf8.CopyTo(_buffer.AsSpan(_used));
            _used += utf8.Length;
            _buffer[_used++] = (byte)'\t';
        }

        public void EndRow(long count)
        {
            if (_buffer.Length - _used < 21)
            {
                Drain();
            }

            Utf8Formatter.TryFormat(count, _buffer.AsSpan(_used), out int written);
            _used += written;
            _buffer[_used++] = (byte)'\n';
            Rows++;
        }

        public void Drain()
        {
            Stream.Null.Write(_buffer, 0, _used);
            _used = 0;
        }
    }
}
