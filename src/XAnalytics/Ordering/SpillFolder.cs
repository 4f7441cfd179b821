using XAnalytics.Internal;

namespace XAnalytics.Ordering;

/// <summary>
/// The private scratch folder of a sink that spills (sort, shuffle, record shuffle) and its end: spill files are
/// created in it until it is closed, and it is closed once, by whichever comes first of the run's cancellation and
/// the sink's own end (its block's failure or its completion), the other waiting for it, so neither returns while the
/// folder is still being deleted.
/// </summary>
/// <remarks>
/// A spill file is created under a lock that the closing takes to stop creation, and a sink that keeps its files
/// behind a lock of its own creates them under that lock too: then every file created before the closing is one the
/// sink's <c>closeFiles</c> sees. A worker still spilling once the folder is closed is told the run is stopping
/// (<see cref="OperationCanceledException"/>), not that something was disposed under it.
/// </remarks>
internal sealed class SpillFolder
{
    private readonly string? _scratch;
    private readonly string _kind;
    private readonly Action _closeFiles;
    private readonly CancellationToken _token;
    private readonly Lock _gate = new();
    private readonly Lock _closing = new();
    private readonly CancellationTokenRegistration _onCancel;
    private string? _path;
    private bool _closed;
    private bool _done;

    /// <summary>
    /// A folder named after <paramref name="kind"/> under <paramref name="scratch"/> (the system's temporary folder
    /// when null), made now or at the first spill file; <paramref name="closeFiles"/> disposes the sink's spill files
    /// when the folder is closed, which <paramref name="token"/>'s cancellation does too.
    /// </summary>
    public SpillFolder(string? scratch, string kind, bool createNow, Action closeFiles, CancellationToken token)
    {
        _scratch = scratch;
        _kind = kind;
        _closeFiles = closeFiles;
        _token = token;
        if (createNow)
        {
            _path = SpillFile.CreateDirectory(scratch, kind);
        }

        _onCancel = token.Register(static state => ((SpillFolder)state!).Close(), this);
    }

    /// <summary>The folder, or where it will be made, for messages.</summary>
    public string Location => Volatile.Read(ref _path) ?? _scratch ?? Path.GetTempPath();

    /// <summary>True once the closing has begun.</summary>
    public bool IsClosed => Volatile.Read(ref _closed);

    /// <summary>A new spill file in the folder (made first if it is not yet).</summary>
    /// <exception cref="OperationCanceledException">The folder is closed: the run is stopping.</exception>
    public SpillFile CreateFile()
    {
        lock (_gate)
        {
            ThrowIfClosed();
            _path ??= SpillFile.CreateDirectory(_scratch, _kind);
            return SpillFile.Create(_path);
        }
    }

    /// <summary>Throws the run's cancellation once the folder is closed.</summary>
    public void ThrowIfClosed()
    {
        if (IsClosed)
        {
            throw new OperationCanceledException("The run stopped while this worker was spilling.", _token);
        }
    }

    /// <summary>Stops creation, disposes the sink's files and deletes the folder; once, a second caller waiting for the first.</summary>
    public void Close()
    {
        _onCancel.Unregister(); // not Dispose: this may run inside that very callback
        lock (_closing)
        {
            if (_done)
            {
                return;
            }

            _done = true;
            lock (_gate)
            {
                Volatile.Write(ref _closed, true); // no spill file is created from here on
            }

            _closeFiles();
            if (_path is { } dir)
            {
                PrivateDirectory.DeleteQuietly(dir);
            }
        }
    }
}
