using System.IO.Compression;
using XAnalytics.Internal;

namespace XAnalytics.Generation;

/// <summary>
/// Writes one rotated log file: schedules its events hour by hour, serializes them into a pooled
/// buffer, and streams that buffer through gzip into a temporary file that is renamed into
/// place only when complete, so a reader never sees a half-written <c>.gz</c>.
/// </summary>
internal static class FileGenerator
{
    /// <summary>Hand the buffer to gzip once it holds this much; large enough to amortize the call, small enough to stay in L2.</summary>
    private const int FlushThreshold = 256 * 1024;

    public static GeneratedFile Generate(FilePlan plan, Catalog catalog, GeneratorOptions options, CancellationToken ct)
    {
        const long Micro = 1_000_000;
        var scheduler = new EventScheduler(catalog, options.BadRate, plan.Seed, plan.ToSeconds * Micro, plan.Lines);
        string temp = Path.Combine(Path.GetDirectoryName(plan.Path)!, "." + Path.GetFileName(plan.Path) + ".tmp");
        long jsonBytes = 0;
        long badLines = 0;
        long compressed;

        // The buffer is owned here; the EventWriter only appends to it.
        using (var buffer = new PooledBufferWriter(FlushThreshold + 65_536))
        using (var writer = new EventWriter(buffer, catalog, scheduler.Sessions))
        {
            try
            {
                using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    using (var gzip = new GZipStream(file, new ZLibCompressionOptions { CompressionLevel = options.CompressionLevel }, leaveOpen: true))
                    {
                        double total = Activity.Integral(plan.FromSeconds, plan.ToSeconds);
                        double cumulative = 0;
                        for (long from = plan.FromSeconds; from < plan.ToSeconds;)
                        {
                            ct.ThrowIfCancellationRequested();
                            long to = Math.Min(((from / 3600) + 1) * 3600, plan.ToSeconds);
                            cumulative += Activity.Integral(from, to);
                            long target = to == plan.ToSeconds ? plan.Lines : (long)Math.Round(plan.Lines * cumulative / total);
                            foreach (ref readonly EventRecord record in scheduler.NextSlice(from * Micro, to * Micro, target))
                            {
                                writer.WriteLine(record);
                                badLines += record.Bad == BadKind.None ? 0 : 1;
                                if (buffer.WrittenCount >= FlushThreshold)
                                {
                                    jsonBytes += buffer.WrittenCount;
                                    gzip.Write(buffer.WrittenSpan);
                                    buffer.Clear();
                                }
                            }

                            from = to;
                        }

                        jsonBytes += buffer.WrittenCount;
                        gzip.Write(buffer.WrittenSpan);
                        buffer.Clear();
                    }

                    compressed = file.Length;
                }

                File.Move(temp, plan.Path, overwrite: true);
            }
            catch
            {
                File.Delete(temp);
                throw;
            }
        }

        return new GeneratedFile(
            plan.Path,
            plan.Server,
            DateTimeOffset.FromUnixTimeSeconds(plan.FromSeconds),
            DateTimeOffset.FromUnixTimeSeconds(plan.ToSeconds),
            scheduler.Produced,
            badLines,
            jsonBytes,
            compressed);
    }
}
