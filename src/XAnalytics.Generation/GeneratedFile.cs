namespace XAnalytics.Generation;

/// <summary>One written <c>tracking.log-YYYYMMDD-&lt;unix seconds&gt;.gz</c> file.</summary>
/// <param name="Path">Full path of the file.</param>
/// <param name="Server">Server folder name, e.g. <c>prod-edxapp-001</c>.</param>
/// <param name="From">Start of the time window the file covers (inclusive).</param>
/// <param name="To">End of the window (exclusive); the rotation time in the file name.</param>
/// <param name="Lines">Lines in the file.</param>
/// <param name="BadLines">Bad lines among them.</param>
/// <param name="JsonBytes">Uncompressed size.</param>
/// <param name="CompressedBytes">Size on disk.</param>
public sealed record GeneratedFile(
    string Path,
    string Server,
    DateTimeOffset From,
    DateTimeOffset To,
    long Lines,
    long BadLines,
    long JsonBytes,
    long CompressedBytes);
