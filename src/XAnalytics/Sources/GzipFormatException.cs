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
