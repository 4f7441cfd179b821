namespace XAnalytics.Pipeline;

/// <summary>One object of an <see cref="IInputStore"/>.</summary>
/// <param name="Path">Its full name as users write it (<c>s3://bucket/key</c>): shown in messages and rejects files.</param>
/// <param name="Length">Its size in bytes when listed.</param>
/// <param name="Version">What tells this content from a later one (an S3 ETag), checked when it is read; null when the store has none.</param>
public sealed record StoredObject(string Path, long Length, string? Version = null);
