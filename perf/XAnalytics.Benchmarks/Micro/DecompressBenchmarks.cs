using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using XAnalytics.Sources;

namespace XAnalytics.Benchmarks.Micro;

/// <summary>
/// Decompressing the sample: the engine's strict member reader (trailer checks, CRC-32) against the runtime's
/// <see cref="GZipStream"/> on the same bytes. MB/s counts decompressed bytes.
/// </summary>
[Config(typeof(BenchConfig))]
public class DecompressBenchmarks
{
    private readonly byte[] _buffer = new byte[128 * 1024];
    private byte[] _gzip = [];

    [GlobalSetup]
    public void Setup() => _gzip = BenchData.Shared.Gzip();

    [Benchmark(Baseline = true)]
    public long GZipStream_Baseline()
    {
        using var gz = new GZipStream(new MemoryStream(_gzip, writable: false), CompressionMode.Decompress);
        return Drain(gz);
    }

    /// <summary>With Intel ISA-L inflating where <c>libisal2</c> is installed (the engine's default), else zlib-ng.</summary>
    [Benchmark]
    public long GzipMemberStream_Strict()
    {
        using var gz = new GzipMemberStream(new MemoryStream(_gzip, writable: false));
        return Drain(gz);
    }

    /// <summary>With the runtime's zlib-ng inflating, as without ISA-L.</summary>
    [Benchmark]
    public long GzipMemberStream_Strict_zlib()
    {
        using var gz = new GzipMemberStream(new MemoryStream(_gzip, writable: false), useIsal: false);
        return Drain(gz);
    }

    private long Drain(Stream stream)
    {
        long total = 0;
        int n;
        while ((n = stream.Read(_buffer)) > 0)
        {
            total += n;
        }

        return total;
    }
}
