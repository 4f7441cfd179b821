namespace XAnalytics.Sources;

/// <summary>The ways a gzip file can be bad.</summary>
public enum GzipFault
{
    /// <summary>The file does not start with the gzip magic bytes (or is empty).</summary>
    NotGzip,

    /// <summary>The compressed data stops before its end-of-stream marker or before its 8-byte trailer.</summary>
    Truncated,

    /// <summary>The compressed data itself is invalid.</summary>
    CorruptData,

    /// <summary>The trailer's CRC-32 or length does not match the decompressed data.</summary>
    ChecksumMismatch,

    /// <summary>Bytes after the last gzip member that are neither another member nor zero padding.</summary>
    TrailingGarbage,
}
