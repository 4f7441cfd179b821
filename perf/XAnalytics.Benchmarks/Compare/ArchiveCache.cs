using System.Globalization;
using System.Text.Json;
using XAnalytics.Generation;

namespace XAnalytics.Benchmarks.Compare;

/// <summary>
/// An archive the generator makes: its size, seed and shape, which are also its cache key. The real-log shape
/// (<see cref="ArchiveShape.RealLog"/>, with many learners) has real logs' cardinality: a URL event type per page view.
/// </summary>
/// <remarks>
/// <see cref="Courses"/> spreads the same events over more courses (a platform's archive rather than a course's): the
/// report's per-course tables, video timelines and course pages grow with it.
/// </remarks>
internal sealed record ArchiveSpec(long Events, int Files, ulong Seed, ArchiveShape Shape = ArchiveShape.Synthetic, int? Learners = null, int? Courses = null)
{
    /// <summary>Learners of the real-log shape when none are given: 50,000, as in the measured real archive.</summary>
    public const int RealLogLearners = 50_000;

    // The archives made before Courses existed keep their names (and their cached copies).
    public string Key => (Shape == ArchiveShape.Synthetic && Learners is null
        ? string.Create(CultureInfo.InvariantCulture, $"{Events}-{Files}-{Seed}")
        : string.Create(CultureInfo.InvariantCulture, $"{Events}-{Files}-{Seed}-{(Shape == ArchiveShape.RealLog ? "real" : "synthetic")}-{EffectiveLearners}"))
        + (Courses is { } courses ? string.Create(CultureInfo.InvariantCulture, $"-c{courses}") : "");

    public int EffectiveLearners => Learners ?? (Shape == ArchiveShape.RealLog ? RealLogLearners : new GeneratorOptions().Learners);
}

/// <summary>What is known of a cached archive (written beside it when it is complete).</summary>
internal sealed record ArchiveInfo(string Directory, long Lines, long Events, long JsonBytes, long CompressedBytes, int Files);

/// <summary>
/// Generated archives under <c>$TMPDIR/xanalytics-bench/&lt;events&gt;-&lt;files&gt;-&lt;seed&gt;</c>, made once and reused.
/// An archive is generated into a temporary folder and renamed when complete, so a cut-short run leaves none.
/// </summary>
internal static class ArchiveCache
{
    public static async Task<string> EnsureAsync(ArchiveSpec spec, TextWriter log)
        => (await EnsureInfoAsync(spec, log).ConfigureAwait(false)).Directory;

    public static async Task<ArchiveInfo> EnsureInfoAsync(ArchiveSpec spec, TextWriter log)
    {
        string dir = Path.Combine(BenchPaths.CacheRoot, spec.Key);
        string marker = dir + ".json";
        if (Directory.Exists(dir) && File.Exists(marker))
        {
            return JsonSerializer.Deserialize<ArchiveInfo>(await File.ReadAllTextAsync(marker).ConfigureAwait(false))!;
        }

        string temp = dir + $".tmp-{Environment.ProcessId}";
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }

        await log.WriteLineAsync($"generating {spec.Events:N0} events in {spec.Files} files (seed {spec.Seed}) into {dir} ...").ConfigureAwait(false);
        GenerationResult result = await ArchiveGenerator.GenerateAsync(new GeneratorOptions
        {
            OutputDirectory = temp,
            Events = spec.Events,
            Files = spec.Files,
            Seed = spec.Seed,
            Shape = spec.Shape,
            Learners = spec.EffectiveLearners,
            Courses = spec.Courses ?? new GeneratorOptions().Courses,
        }).ConfigureAwait(false);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.Move(temp, dir);
        var info = new ArchiveInfo(dir, result.Lines, result.Events, result.JsonBytes, result.CompressedBytes, result.Files.Count);
        await File.WriteAllTextAsync(marker, JsonSerializer.Serialize(info)).ConfigureAwait(false);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"generated in {result.Elapsed.TotalSeconds:F1} s: {info.JsonBytes / 1e6:F0} MB JSON, {info.CompressedBytes / 1e6:F0} MB gzip")).ConfigureAwait(false);
        return info;
    }
}
