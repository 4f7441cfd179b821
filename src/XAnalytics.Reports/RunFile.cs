using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using K4os.Compression.LZ4;

namespace XAnalytics.Reports;

/// <summary>
/// A section's sorted runs of compact rows (<see cref="SortedRunList{TItem, TRow}"/>) kept in a scratch file instead of
/// memory: each run LZ4-compressed in blocks as the completion makes it, read back block by block by any number of
/// cursors at once (positioned reads), so the rows held until the report is written no longer grow with the archive.
/// </summary>
/// <remarks>
/// The file is made in a private folder under the <c>scratch-dir</c> setting (the system's temporary folder when null),
/// created new and readable by its owner only; on Unix it is unlinked (and its folder removed) as soon as it is open,
/// so nothing is left behind whatever happens, and on Windows it is deleted when closed. <see cref="Dispose"/> closes
/// it; <see cref="LearnerReports.Dispose"/> disposes the sections' lists. Items are written as the runtime lays them
/// out: the same process reads them back.
/// </remarks>
/// <typeparam name="TItem">A compact row: a plain struct, no references.</typeparam>
internal sealed class RunFile<TItem> : IDisposable
    where TItem : unmanaged
{
    /// <summary>Raw bytes per block: LZ4's window, and what a cursor holds per run while reading.</summary>
    private const int BlockBytes = 64 * 1024;

    private static readonly int s_itemBytes = Unsafe.SizeOf<TItem>();

    private readonly FileStream _file;
    private readonly string? _folderOnDispose; // Windows: the private folder, deleted once the file is closed
    private readonly List<List<Block>> _runs = [];
    private readonly Lock _gate = new();
    private long _length;
    private byte[] _compressed = [];

    private RunFile(FileStream file, string? folderOnDispose) => (_file, _folderOnDispose) = (file, folderOnDispose);

    /// <summary>Items per block.</summary>
    public static int BlockItems { get; } = Math.Max(1, BlockBytes / s_itemBytes);

    /// <summary>The runs added.</summary>
    public int RunCount => _runs.Count;

    /// <summary>The bytes the file holds (compressed), for tests and figures.</summary>
    public long Length => _length;

    /// <summary>A new, empty file in a private folder under <paramref name="scratch"/> (the temporary folder when null).</summary>
    public static RunFile<TItem> Create(string? scratch, string kind)
    {
        string folder = Ordering.SpillFile.CreateDirectory(scratch, kind);
        string path = Path.Combine(folder, "runs.lz4");
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
        if (!OperatingSystem.IsWindows())
        {
            // The open handle keeps the data: nothing is left in the scratch folder from here on.
            File.Delete(path);
            Directory.Delete(folder);
        }

        return new RunFile<TItem>(file, OperatingSystem.IsWindows() ? folder : null);
    }

    /// <summary>Appends a sorted run (compressed in blocks); returns its number.</summary>
    public int AddRun(ReadOnlySpan<TItem> run)
    {
        var blocks = new List<Block>((run.Length / BlockItems) + 1);
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(run);
        int blockBytes = BlockItems * s_itemBytes;
        for (int at = 0; at < bytes.Length; at += blockBytes)
        {
            ReadOnlySpan<byte> raw = bytes.Slice(at, Math.Min(blockBytes, bytes.Length - at));
            int bound = LZ4Codec.MaximumOutputSize(raw.Length);
            if (_compressed.Length < bound)
            {
                _compressed = new byte[bound];
            }

            int compressed = LZ4Codec.Encode(raw, _compressed, LZ4Level.L00_FAST);
            RandomAccess.Write(_file.SafeFileHandle, _compressed.AsSpan(0, compressed), _length);
            blocks.Add(new Block(_length, raw.Length / s_itemBytes, compressed));
            _length += compressed;
        }

        lock (_gate)
        {
            _runs.Add(blocks);
            return _runs.Count - 1;
        }
    }

    /// <summary>The items of run <paramref name="run"/>.</summary>
    public long ItemsOf(int run)
    {
        long items = 0;
        foreach (Block b in _runs[run])
        {
            items += b.Items;
        }

        return items;
    }

    /// <summary>
    /// Reads block <paramref name="block"/> of run <paramref name="run"/> into <paramref name="into"/> (at least
    /// <see cref="BlockItems"/> long); returns its items, 0 past the run's last block. Thread-safe.
    /// </summary>
    public int Read(int run, int block, TItem[] into, ref byte[] compressed)
    {
        List<Block> blocks = _runs[run];
        if (block >= blocks.Count)
        {
            return 0;
        }

        Block b = blocks[block];
        if (compressed.Length < b.Compressed)
        {
            compressed = new byte[LZ4Codec.MaximumOutputSize(BlockBytes)];
        }

        Span<byte> source = compressed.AsSpan(0, b.Compressed);
        if (RandomAccess.Read(_file.SafeFileHandle, source, b.Offset) != b.Compressed)
        {
            throw new InvalidDataException("A report's row file ends inside a block.");
        }

        Span<byte> target = MemoryMarshal.AsBytes(into.AsSpan(0, b.Items));
        return LZ4Codec.Decode(source, target) == target.Length
            ? b.Items
            : throw new InvalidDataException("A report's row block does not decode to its length.");
    }

    /// <summary>Closes the file (deleted with it, and its folder, on Windows); idempotent.</summary>
    public void Dispose()
    {
        _file.Dispose();
        if (_folderOnDispose is not null && Directory.Exists(_folderOnDispose))
        {
            Directory.Delete(_folderOnDispose, recursive: true);
        }
    }

    private readonly record struct Block(long Offset, int Items, int Compressed);
}
