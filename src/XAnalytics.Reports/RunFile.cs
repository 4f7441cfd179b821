using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using K4os.Compression.LZ4;

namespace XAnalytics.Reports;

/// <summary>
/// A section's sorted runs of compact rows (<see cref="SortedRunList{TItem, TRow}"/>) kept in a scratch file instead of
/// memory (<see cref="ScratchBlocks"/>): each run LZ4-compressed in blocks as the completion makes it, read back block
/// by block by any number of cursors at once, so the rows held until the report is written no longer grow with the
/// archive. Items are written as the runtime lays them out: the same process reads them back.
/// </summary>
/// <typeparam name="TItem">A compact row: a plain struct, no references.</typeparam>
internal sealed class RunFile<TItem> : IDisposable
    where TItem : unmanaged
{
    /// <summary>Raw bytes per block: LZ4's window, and what a cursor holds per run while reading.</summary>
    private const int BlockBytes = 64 * 1024;

    private static readonly int s_itemBytes = Unsafe.SizeOf<TItem>();

    private readonly ScratchBlocks _blocks;
    private readonly List<List<(int Id, int Items)>> _runs = [];
    private byte[] _compressed = [];

    private RunFile(ScratchBlocks blocks) => _blocks = blocks;

    /// <summary>Items per block.</summary>
    public static int BlockItems { get; } = Math.Max(1, BlockBytes / s_itemBytes);

    /// <summary>The runs added.</summary>
    public int RunCount => _runs.Count;

    /// <summary>The bytes the file holds (compressed), for tests and figures.</summary>
    public long Length => _blocks.Bytes;

    /// <summary>A new, empty file in a private folder under <paramref name="scratch"/> (the temporary folder when null).</summary>
    public static RunFile<TItem> Create(string? scratch, string kind) => new(new ScratchBlocks(scratch, kind, budgetBytes: 0));

    /// <summary>Appends a sorted run (compressed in blocks); returns its number. Runs are all added before the first read.</summary>
    public int AddRun(ReadOnlySpan<TItem> run)
    {
        var blocks = new List<(int Id, int Items)>((run.Length / BlockItems) + 1);
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
            blocks.Add((_blocks.Add(_compressed.AsSpan(0, compressed)), raw.Length / s_itemBytes));
        }

        _runs.Add(blocks);
        return _runs.Count - 1;
    }

    /// <summary>The items of run <paramref name="run"/>.</summary>
    public long ItemsOf(int run)
    {
        long items = 0;
        foreach ((int _, int count) in _runs[run])
        {
            items += count;
        }

        return items;
    }

    /// <summary>
    /// Reads block <paramref name="block"/> of run <paramref name="run"/> into <paramref name="into"/> (at least
    /// <see cref="BlockItems"/> long; <paramref name="compressed"/> is the caller's buffer); returns its items, 0 past
    /// the run's last block. Thread-safe.
    /// </summary>
    public int Read(int run, int block, TItem[] into, ref byte[] compressed)
    {
        List<(int Id, int Items)> blocks = _runs[run];
        if (block >= blocks.Count)
        {
            return 0;
        }

        (int id, int items) = blocks[block];
        ReadOnlySpan<byte> source = _blocks.Read(id, ref compressed);
        Span<byte> target = MemoryMarshal.AsBytes(into.AsSpan(0, items));
        return LZ4Codec.Decode(source, target) == target.Length
            ? items
            : throw new InvalidDataException("A report's row block does not decode to its length.");
    }

    /// <summary>Closes the file (deleted with it, and its folder, on Windows); idempotent.</summary>
    public void Dispose() => _blocks.Dispose();
}
