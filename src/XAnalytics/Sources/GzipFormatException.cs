namespace XAnalytics.Sources;

/// <summary>
/// Thrown when a gzip file is truncated, corrupt, or not gzip at all. The message says what is wrong
/// in words a user can act on; <see cref="Kind"/> says it to code.
/// </summary>
public sealed class GzipFormatException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">What is wrong.</param>
    /// <param name="message">A readable description.</param>
    /// <param name="innerException">The decompressor's own error, when there was one.</param>
    public GzipFormatException(GzipFault kind, string message, Exception? innerException = null)
        : base(message, innerException) => Kind = kind;

    /// <summary>What is wrong with the file.</summary>
    public GzipFault Kind { get; }
}

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
