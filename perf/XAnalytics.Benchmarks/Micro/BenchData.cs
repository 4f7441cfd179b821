using System.IO.Compression;
using System.Text;
using XAnalytics.Formats;
using XAnalytics.Formats.Json;

namespace XAnalytics.Benchmarks.Micro;

/// <summary>
/// The sample every micro-benchmark processes once per operation: a fixed number of valid event lines, as
/// JSON lines (and gzip of the same bytes). The throughput columns divide by its size and event count.
/// </summary>
/// <remarks>
/// BenchmarkDotNet runs each benchmark in a child process and computes columns in the host, so both must see
/// the same sample: it is built once from a source archive and cached as a file keyed by its size.
/// Source, in order: <c>XANALYTICS_BENCH_SOURCE</c> (a folder of .gz / .log files), a generated archive,
/// the shared corpus.
/// </remarks>
internal sealed class BenchData
{
    /// <summary>Events in the sample.</summary>
    public const int SampleEvents = 20_000;

    private static readonly Lazy<BenchData> s_shared = new(() => Load(real: false));
    private static readonly Lazy<BenchData> s_realLog = new(() => Load(real: true));

    private BenchData(byte[] json, int[] lineStarts)
    {
        Json = json;
        LineStarts = lineStarts;
    }

    public static BenchData Shared => s_shared.Value;

    /// <summary>
    /// The same size of sample from an archive of the real-log shape (a URL event type per page view, 50,000
    /// learners): about 6,000 distinct event types in 20,000 events, where <see cref="Shared"/> has 600.
    /// </summary>
    public static BenchData RealLog => s_realLog.Value;

    /// <summary>The sample: event lines, each ended by '\n'.</summary>
    public byte[] Json { get; }

    /// <summary>Start offset of each line in <see cref="Json"/>, and one past the end as the last entry.</summary>
    public int[] LineStarts { get; }

    public int Events => LineStarts.Length - 1;

    /// <summary>Line <paramref name="i"/> without its newline.</summary>
    public ReadOnlySpan<byte> Line(int i) => Json.AsSpan(LineStarts[i], LineStarts[i + 1] - LineStarts[i] - 1);

    /// <summary>
    /// The sample compressed as one gzip member at zlib level 1 (<see cref="CompressionLevel.Fastest"/>), the
    /// generator's default: the synthetic text is so regular that level 6 would make decompression look faster than on real logs.
    /// </summary>
    public byte[] Gzip()
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(Json);
        }

        return output.ToArray();
    }

    private static BenchData Load(bool real)
    {
        string cache = Path.Combine(BenchPaths.CacheRoot, real ? $"micro-sample-real-{SampleEvents}.jsonl" : $"micro-sample-{SampleEvents}.jsonl");
        if (!File.Exists(cache))
        {
            Directory.CreateDirectory(BenchPaths.CacheRoot);
            string temp = cache + $".{Environment.ProcessId}.tmp";
            File.WriteAllBytes(temp, BuildSample(SourceFiles(real)));
            File.Move(temp, cache, overwrite: true);
        }

        byte[] json = File.ReadAllBytes(cache);
        var starts = new List<int> { 0 };
        for (int i = 0; i < json.Length; i++)
        {
            if (json[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        return new BenchData(json, [.. starts]);
    }

    private static List<string> SourceFiles(bool real)
    {
        string? dir = real ? null : Environment.GetEnvironmentVariable("XANALYTICS_BENCH_SOURCE");
        dir ??= Compare.ArchiveCache.EnsureAsync(
            new Compare.ArchiveSpec(100_000, 2, 1, real ? Generation.ArchiveShape.RealLog : Generation.ArchiveShape.Synthetic), Console.Error).GetAwaiter().GetResult();
        var files = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Where(static f => f.EndsWith(".gz", StringComparison.Ordinal) || f.EndsWith(".log", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new InvalidOperationException($"No .gz or .log files under {dir}.");
        }

        return files;
    }

    /// <summary>Takes valid event lines from the files, cycling through them until the sample is full.</summary>
    private static byte[] BuildSample(List<string> files)
    {
        using var output = new MemoryStream();
        int taken = 0;
        var fields = new TopField[64];
        while (taken < SampleEvents)
        {
            int before = taken;
            foreach (string file in files)
            {
                using Stream raw = File.OpenRead(file);
                using Stream text = file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(raw, CompressionMode.Decompress) : raw;
                using var reader = new StreamReader(text, Encoding.UTF8);
                while (taken < SampleEvents && reader.ReadLine() is { } line)
                {
                    byte[] utf8 = Encoding.UTF8.GetBytes(line);
                    if (EventIndexer.TryIndex(utf8, ref fields, out _, out _) is null)
                    {
                        output.Write(utf8);
                        output.WriteByte((byte)'\n');
                        taken++;
                    }
                }
            }

            if (taken == before)
            {
                throw new InvalidOperationException("The source files hold no valid events.");
            }
        }

        return output.ToArray();
    }
}
