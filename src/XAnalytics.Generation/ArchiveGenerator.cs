using System.Diagnostics;

namespace XAnalytics.Generation;

/// <summary>
/// Writes a synthetic Open edX tracking-log archive: <c>OUTDIR/prod-edxapp-NNN/tracking.log-YYYYMMDD-&lt;unix&gt;.gz</c>,
/// one JSON event per line in time order, with the event families, id shapes, heavy-tailed
/// learner activity and occasional bad lines of real archives.
/// </summary>
/// <remarks>
/// Deterministic: the same <see cref="GeneratorOptions"/> give byte-identical files on the same
/// runtime (own xoshiro256** generator, one seed per file derived from the master seed, no clock).
/// Files are generated in parallel, one file per worker; parallelism does not change the bytes.
/// </remarks>
public static class ArchiveGenerator
{
    /// <summary>Generates the archive described by <paramref name="options"/>.</summary>
    /// <param name="options">What to write; validated once here.</param>
    /// <param name="cancellationToken">Stops between hours of a file; finished files stay, partial ones are deleted.</param>
    /// <returns>The files written and their totals.</returns>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static async Task<GenerationResult> GenerateAsync(GeneratorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        GeneratorOptions o = options.Validated();
        var clock = Stopwatch.StartNew();
        Catalog catalog = await Task.Run(() => Catalog.Build(o), cancellationToken).ConfigureAwait(false);
        List<FilePlan> plans = ArchivePlan.Build(o);
        foreach (FilePlan plan in plans)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(plan.Path)!);
        }

        var files = new GeneratedFile[plans.Count];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = o.MaxDegreeOfParallelism!.Value,
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(plans, parallel, (plan, ct) =>
        {
            files[plan.Index] = FileGenerator.Generate(plan, catalog, o, ct);
            return ValueTask.CompletedTask;
        }).ConfigureAwait(false);

        long lines = 0, bad = 0, json = 0, compressed = 0;
        foreach (GeneratedFile file in files)
        {
            lines += file.Lines;
            bad += file.BadLines;
            json += file.JsonBytes;
            compressed += file.CompressedBytes;
        }

        return new GenerationResult(files, lines, lines - bad, bad, json, compressed, clock.Elapsed);
    }
}
