using System.Buffers;
using BenchmarkDotNet.Attributes;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Sources;

namespace XAnalytics.Benchmarks.Micro;

/// <summary>
/// Cutting lines into batches. The floor is a vectorised newline search over bytes already in memory; the
/// engine's <see cref="LineReader"/> adds the file read (straight into the batch) and an entry for each line.
/// The gzip case is the whole reading side of a run: decompress, check, frame.
/// </summary>
[Config(typeof(BenchConfig))]
public class FramingBenchmarks
{
    private readonly LineReaderOptions _options = new(16 * 1024 * 1024, EventBatch.DefaultDataBytes, EventBatch.DefaultMaxEvents);
    private SourceFile _plain = null!;
    private SourceFile _gzip = null!;
    private string _dir = "";

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"xanalytics-framing-{Environment.ProcessId}");
        Directory.CreateDirectory(_dir);
        string plain = Path.Combine(_dir, "sample.log");
        string gzip = Path.Combine(_dir, "sample.log.gz");
        File.WriteAllBytes(plain, BenchData.Shared.Json);
        File.WriteAllBytes(gzip, BenchData.Shared.Gzip());
        _plain = new SourceFile(plain, 0, new FileInfo(plain).Length, SourceFormat.JsonLines);
        _gzip = new SourceFile(gzip, 1, new FileInfo(gzip).Length, SourceFormat.GzipJsonLines);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark(Baseline = true)]
    public int Span_IndexOf_Floor()
    {
        ReadOnlySpan<byte> rest = BenchData.Shared.Json;
        int lines = 0;
        int at;
        while ((at = rest.IndexOf((byte)'\n')) >= 0)
        {
            lines++;
            rest = rest[(at + 1)..];
        }

        return lines;
    }

    [Benchmark]
    public int SequenceReader_InMemory()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(BenchData.Shared.Json));
        int lines = 0;
        while (reader.TryReadTo(out ReadOnlySequence<byte> _, (byte)'\n'))
        {
            lines++;
        }

        return lines;
    }

    [Benchmark]
    public Task<long> LineReader_PlainFile() => Read(_plain);

    [Benchmark]
    public Task<long> LineReader_GzipFile() => Read(_gzip);

    private async Task<long> Read(SourceFile file)
    {
        var counters = new RunCounters(1, file.Length);
        var rejects = new RejectLog(null, counters);
        FileReadOutcome outcome = await LineReader.ReadAsync(file, _options, counters, rejects, static (batch, _) =>
        {
            batch.Dispose();
            return ValueTask.CompletedTask;
        }, CancellationToken.None);
        return outcome.Lines;
    }
}
