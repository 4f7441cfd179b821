using BenchmarkDotNet.Attributes;
using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Formats.Bson;
using XAnalytics.Internal;

namespace XAnalytics.Benchmarks.Micro;

/// <summary>
/// The BSON path per document, over the sample converted to BSON: the check every document gets
/// (<see cref="BsonNavigator.TryValidate(ReadOnlySpan{byte}, out string)"/>), a field read from the BSON batch, and the JSON conversion a stage or
/// writer pays for. Against them: indexing the same events from JSON, what the gzip JSON path pays after inflating.
/// </summary>
[Config(typeof(BenchConfig))]
public class BsonBenchmarks : IDisposable
{
    private static readonly FieldPath s_eventType = FieldPath.Parse("event_type");
    private static readonly SourceFile s_file = new("sample.bson", 0, 0, SourceFormat.Bson);
    private byte[][] _documents = [];
    private byte[] _hot = [];
    private int[] _hotStarts = [];
    private EventBatch[] _bsonBatches = [];
    private readonly PooledBufferWriter _json = new(1 << 16);

    [GlobalSetup]
    public void Setup()
    {
        BenchData data = BenchData.Shared;
        var documents = new List<byte[]>(data.Events);
        using var output = new PooledBufferWriter(1 << 16);
        for (int i = 0; i < data.Events; i++)
        {
            output.Clear();
            if (BsonEncoder.TryAppend(data.Line(i), output, out _) is null)
            {
                documents.Add(output.WrittenSpan.ToArray());
            }
        }

        _documents = [.. documents];

        // The first documents of the sample, one after the other in 512 KiB (as a batch holds them right after the
        // read), for the per-document costs in cache: the sample itself (20 MB in 20,000 arrays) is not.
        var hot = new List<byte>();
        var starts = new List<int>();
        foreach (byte[] document in _documents)
        {
            if (hot.Count + document.Length > 512 * 1024)
            {
                break;
            }

            starts.Add(hot.Count);
            hot.AddRange(document);
        }

        starts.Add(hot.Count);
        _hot = [.. hot];
        _hotStarts = [.. starts];
        var batches = new List<EventBatch>();
        EventBatch? current = null;
        for (int i = 0; i < _documents.Length; i++)
        {
            current ??= EventBatch.CreateBson(s_file, batches.Count);
            _ = BsonNavigator.TryValidate(_documents[i], out _, out ReadOnlySpan<TopField> topLevel);
            if (!current.TryAppendBson(_documents[i], i + 1, topLevel))
            {
                current.IsParsed = true;
                batches.Add(current);
                current = EventBatch.CreateBson(s_file, batches.Count);
                current.TryAppendBson(_documents[i], i + 1, topLevel);
            }
        }

        if (current is not null)
        {
            current.IsParsed = true;
            batches.Add(current);
        }

        _bsonBatches = [.. batches];
    }

    public void Dispose()
    {
        _json.Dispose();
        foreach (EventBatch batch in _bsonBatches)
        {
            batch.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public int IndexJson()
    {
        BenchData data = BenchData.Shared;
        TopField[] fields = new TopField[64];
        int total = 0;
        for (int i = 0; i < data.Events; i++)
        {
            if (XAnalytics.Formats.Json.EventIndexer.TryIndex(data.Line(i), ref fields, out int count, out _) is null)
            {
                total += count;
            }
        }

        return total;
    }

    [Benchmark]
    public int Validate()
    {
        int good = 0;
        foreach (byte[] document in _documents)
        {
            good += BsonNavigator.TryValidate(document, out _) is null ? 1 : 0;
        }

        return good;
    }

    /// <summary>
    /// The index of a document whose chunk's hash matched its manifest (<see cref="BsonNavigator.TryIndexTrusted"/>):
    /// top-level elements only, read from cache as <see cref="Validate"/> reads (a chunk of about 1 MiB is hashed,
    /// then indexed while it is still in cache).
    /// </summary>
    [Benchmark]
    public int IndexTrusted()
    {
        int good = 0;
        foreach (byte[] document in _documents)
        {
            good += BsonNavigator.TryIndexTrusted(document, out _) ? 1 : 0;
        }

        return good;
    }

    /// <summary><see cref="Validate"/> over documents in cache, as many as the sample holds (the hot 512 KiB read again).</summary>
    [Benchmark]
    public int ValidateInCache()
    {
        int good = 0;
        int n = _hotStarts.Length - 1;
        for (int i = 0; i < _documents.Length; i++)
        {
            int k = i % n;
            good += BsonNavigator.TryValidate(_hot.AsSpan(_hotStarts[k], _hotStarts[k + 1] - _hotStarts[k]), out _) is null ? 1 : 0;
        }

        return good;
    }

    /// <summary><see cref="IndexTrusted"/> over documents in cache, as <see cref="ValidateInCache"/>.</summary>
    [Benchmark]
    public int IndexTrustedInCache()
    {
        int good = 0;
        int n = _hotStarts.Length - 1;
        for (int i = 0; i < _documents.Length; i++)
        {
            int k = i % n;
            good += BsonNavigator.TryIndexTrusted(_hot.AsSpan(_hotStarts[k], _hotStarts[k + 1] - _hotStarts[k]), out _) ? 1 : 0;
        }

        return good;
    }

    [Benchmark]
    public int ReadEventType()
    {
        int length = 0;
        foreach (EventBatch batch in _bsonBatches)
        {
            for (int i = 0; i < batch.Count; i++)
            {
                if (batch.TryGetField(i, s_eventType, out FieldValue value))
                {
                    length += value.RawJson.Length;
                }
            }

            batch.ReleaseFieldValues(); // a run reads a batch once; here the same batches are read every iteration
        }

        return length;
    }

    [Benchmark]
    public int ConvertToJson()
    {
        int bytes = 0;
        foreach (byte[] document in _documents)
        {
            _json.Clear();
            BsonDecoder.TryAppendJson(document, _json, null, out _);
            bytes += _json.WrittenCount;
        }

        return bytes;
    }
}
