namespace XAnalytics.Generation;

/// <summary>What <see cref="ArchiveGenerator.GenerateAsync"/> wrote.</summary>
/// <param name="Files">Every file, ordered by server then time.</param>
/// <param name="Lines">Lines written, bad ones included (equals <see cref="GeneratorOptions.Events"/>).</param>
/// <param name="Events">Well-formed event lines.</param>
/// <param name="BadLines">Truncated, non-JSON and blank lines.</param>
/// <param name="JsonBytes">Uncompressed bytes, newlines included.</param>
/// <param name="CompressedBytes">Bytes on disk.</param>
/// <param name="Elapsed">Wall-clock time of the run (not written anywhere in the archive).</param>
public sealed record GenerationResult(
    IReadOnlyList<GeneratedFile> Files,
    long Lines,
    long Events,
    long BadLines,
    long JsonBytes,
    long CompressedBytes,
    TimeSpan Elapsed);
