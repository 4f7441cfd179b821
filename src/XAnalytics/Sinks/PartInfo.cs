namespace XAnalytics.Sinks;

/// <summary>One part written by a parts sink, as its manifest lists it.</summary>
/// <param name="Name">The part's file name in the output folder (<c>part-00000.json.gz</c>).</param>
/// <param name="Events">Events in the part.</param>
/// <param name="Bytes">The file's size in bytes, as stored (compressed for gzip).</param>
/// <param name="Sha256">SHA-256 of the file's bytes, lowercase hex.</param>
public sealed record PartInfo(string Name, long Events, long Bytes, string Sha256)
{
    /// <summary>
    /// XXH3 (64-bit, seed 0) of the file's bytes, 16 lowercase hex digits: what readers check a part against, at
    /// memory speed (SHA-256 cost a BSON re-read a third of its time). Null in manifests written before it.
    /// </summary>
    public string? Xxh3 { get; init; }

    /// <summary>
    /// The uncompressed part cut into chunks of whole events (byte length, XXH3 as <see cref="Xxh3"/>), in order;
    /// the lengths add up to <see cref="Bytes"/>. Null for gzip parts and in manifests written before it.
    /// </summary>
    internal (long Bytes, string Xxh3)[]? Chunks { get; init; }
}
