namespace XAnalytics.Reports;

/// <summary>
/// Compressed blocks of a section's rows, kept until the report is written: in memory up to a budget, and from there
/// on (those held so far included) in a scratch file, read back by positioned reads so that any number of readers
/// read at once. The blocks are all added before the first is read (a completion adds them; the writing reads them).
/// </summary>
/// <remarks>
/// The file is made in a private folder under the <c>scratch-dir</c> setting (the system's temporary folder when
/// null), created new and readable by its owner only; on Unix it is unlinked, and its folder removed, as soon as it is
/// open, so nothing is left behind whatever happens; on Windows both go when it is closed (<see cref="Dispose"/>).
/// </remarks>
/// <param name="scratch">The <c>scratch-dir</c> setting (null: the system's temporary folder).</param>
/// <param name="kind">The section, in the private folder's name.</param>
/// <param name="budgetBytes">The bytes held in memory at most; 0: every block in the file.</param>
internal sealed class ScratchBlocks(string? scratch, string kind, long budgetBytes) : IDisposable
{
    private readonly List<byte[]?> _held = [];
    private readonly List<(long Offset, int Length)> _places = [];
    private long _heldBytes;
    private FileStream? _file;
    private string? _folderOnDispose;
    private long _length;

    /// <summary>True once the blocks are in the file.</summary>
    public bool InFile => _file is not null;

    /// <summary>The bytes of every block added.</summary>
    public long Bytes => _heldBytes + _length;

    /// <summary>Adds a block; returns its number.</summary>
    public int Add(ReadOnlySpan<byte> block)
    {
        if (_file is null && _heldBytes + block.Length <= budgetBytes)
        {
            _held.Add(block.ToArray());
            _places.Add((-1, block.Length));
            _heldBytes += block.Length;
            return _places.Count - 1;
        }

        if (_file is null)
        {
            _file = Create(scratch, kind, out _folderOnDispose);
            for (int i = 0; i < _held.Count; i++)
            {
                Write(_held[i]!, i);
                _held[i] = null;
            }

            _heldBytes = 0;
        }

        _held.Add(null);
        _places.Add((-1, block.Length));
        Write(block, _places.Count - 1);
        return _places.Count - 1;
    }

    /// <summary>Block <paramref name="id"/>: in memory, or read into <paramref name="buffer"/> (grown when needed). Thread-safe once every block is added.</summary>
    public ReadOnlySpan<byte> Read(int id, ref byte[] buffer)
    {
        (long offset, int length) = _places[id];
        if (offset < 0)
        {
            return _held[id];
        }

        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, 64 * 1024)];
        }

        Span<byte> into = buffer.AsSpan(0, length);
        return RandomAccess.Read(_file!.SafeFileHandle, into, offset) == length
            ? into
            : throw new InvalidDataException("A report's scratch file ends inside a block.");
    }

    /// <summary>Closes the file, if any (deleted with it, and its folder, on Windows); the blocks cannot be read after it. Idempotent.</summary>
    public void Dispose()
    {
        _file?.Dispose();
        if (_folderOnDispose is not null && Directory.Exists(_folderOnDispose))
        {
            Directory.Delete(_folderOnDispose, recursive: true);
        }
    }

    private static FileStream Create(string? scratch, string kind, out string? folderOnDispose)
    {
        string folder = Ordering.SpillFile.CreateDirectory(scratch, kind);
        string path = Path.Combine(folder, "blocks.lz4");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            BufferSize = 0,
            Options = OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var file = new FileStream(path, options);
        if (OperatingSystem.IsWindows())
        {
            folderOnDispose = folder;
            return file;
        }

        // The open handle keeps the data: nothing is left in the scratch folder from here on.
        File.Delete(path);
        Directory.Delete(folder);
        folderOnDispose = null;
        return file;
    }

    private void Write(ReadOnlySpan<byte> block, int id)
    {
        RandomAccess.Write(_file!.SafeFileHandle, block, _length);
        _places[id] = (_length, block.Length);
        _length += block.Length;
    }
}
