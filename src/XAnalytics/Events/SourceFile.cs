namespace XAnalytics.Events;

/// <summary>One input file of a run, in the run's deterministic order.</summary>
/// <param name="Path">The file's path as it was found (input prefix + relative path).</param>
/// <param name="Index">Its position in the run's sorted file list, from 0.</param>
/// <param name="Length">Its size in bytes when the run was planned.</param>
/// <param name="Format">How its bytes are read.</param>
public sealed record SourceFile(string Path, int Index, long Length, SourceFormat Format)
{
    /// <summary>
    /// The hash the folder's <c>manifest.json</c> lists for this part, checked as the file is read: <c>xxh3:</c> and
    /// its XXH3 where the manifest has one, else its SHA-256 (hex); null when none.
    /// </summary>
    internal string? ManifestHash { get; init; }

    /// <summary>
    /// The chunks the folder's <c>manifest.json</c> lists for this part (each a run of whole BSON documents: byte
    /// length and XXH3), in order, adding up to the part; null when none. The BSON reader checks each one's hash
    /// before it indexes its documents on trust.
    /// </summary>
    internal (long Bytes, ulong Xxh3)[]? ManifestChunks { get; init; }

    /// <summary>Opens the file when a store (S3) reads it rather than the file system; null for a local file or standard input.</summary>
    internal Func<Stream>? OpenStored { get; init; }
}
