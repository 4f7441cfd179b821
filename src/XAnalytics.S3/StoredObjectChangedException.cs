namespace XAnalytics.S3;

/// <summary>An object changed or vanished between its listing and its reading: not retried, the file is bad.</summary>
internal sealed class StoredObjectChangedException(string message, Exception inner) : IOException(message, inner);
