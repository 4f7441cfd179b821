namespace XAnalytics.Pipeline;

/// <summary>
/// A place inputs are read from other than the local file system (an object store such as S3): it claims the inputs
/// it understands (by their scheme, <c>s3://</c>), lists each one's objects, and opens an object as a stream. The
/// engine reads what it opens exactly as a local file: gzip told by name or magic, every member's CRC and length
/// checked, so a truncated object is a bad file named with its good lines. Registered in
/// <see cref="FileSourceOptions.Stores"/>.
/// </summary>
public interface IInputStore
{
    /// <summary>Whether <paramref name="input"/> (as given on a command line) is one of this store's.</summary>
    bool Reads(string input);

    /// <summary>
    /// The objects of <paramref name="input"/>: one named object, or every object under a prefix, in ordinal order of
    /// their names (the order a folder's files are read in). Hidden names and manifests are left out by the engine; a
    /// <c>manifest.json</c> is opened with <see cref="Open"/> once while planning, to hold its folder's parts to it.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing is there (the message names the input).</exception>
    IReadOnlyList<StoredObject> List(string input, CancellationToken cancellationToken);

    /// <summary>
    /// Opens an object listed by <see cref="List"/> for reading from its first byte to its end, once. A store that can
    /// should resume a read cut by a transient fault where it stopped, and fail when the object changed since it
    /// was listed.
    /// </summary>
    Stream Open(StoredObject storedObject);
}
