using System.Runtime.InteropServices;
using XAnalytics.Ordering;

namespace XAnalytics.Reports;

/// <summary>
/// Splits one learner bucket's spilled records into a scratch file per part (<see cref="LearnerBuckets.Parts"/>), in
/// one pass over the bucket (see <see cref="BucketSpill{T}.Read"/>): a record goes to its part's buffer, and a full
/// buffer is written to that part's file as one block in the bucket files' format, with owner 0.
/// </summary>
/// <remarks>
/// The buffers share <see cref="BufferBudget"/> (at least 4 KiB each, at most a spill file's block), so a split into
/// 256 parts holds no more than one into 8, and are kept from one bucket's split to the next; a record larger than its
/// part's buffer is written as a block of its own.
/// </remarks>
/// <typeparam name="T">The record: a plain struct, no references.</typeparam>
internal sealed class PartRouter<T>
    where T : unmanaged
{
    /// <summary>The raw bytes all parts' buffers hold together, at most.</summary>
    internal const int BufferBudget = 4 << 20;

    private const int Header = BucketSpill<T>.BlockHeader;

    private readonly byte[][] _buffers;
    private readonly int[] _used;
    private byte[] _compressed;
    private SpillFile[] _files = [];

    /// <param name="parts">The parts a bucket is split into.</param>
    public PartRouter(int parts)
    {
        int capacity = Math.Clamp(BufferBudget / parts, 4 << 10, SpillFile.BlockBytes);
        _buffers = new byte[parts][];
        _used = new int[parts];
        for (int p = 0; p < parts; p++)
        {
            _buffers[p] = new byte[Header + capacity];
            _used[p] = Header;
        }

        _compressed = new byte[SpillFile.ScratchBytes(Header + capacity)];
    }

    /// <summary>The parts this router splits into.</summary>
    public int Parts => _buffers.Length;

    /// <summary>
    /// Starts a split into <paramref name="files"/>: one new, empty file per part, in part order, which the router
    /// writes and the caller owns (the buffers are the last split's, emptied by its <see cref="Finish"/>).
    /// </summary>
    public void Start(SpillFile[] files)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(files.Length, Parts);
        _files = files;
        Array.Fill(_used, Header);
        WrittenBytes = 0;
    }

    /// <summary>The bytes the parts' files took (compressed), for the spill's figures.</summary>
    public long WrittenBytes { get; private set; }

    /// <summary>Adds whole <paramref name="records"/>, all of part <paramref name="part"/>.</summary>
    public void Add(int part, ReadOnlySpan<T> records)
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(records);
        byte[] buffer = _buffers[part];
        if (_used[part] + bytes.Length > buffer.Length)
        {
            Flush(part);
            if (Header + bytes.Length > buffer.Length)
            {
                // Larger than the buffer: a block of its own.
                byte[] alone = new byte[Header + bytes.Length];
                bytes.CopyTo(alone.AsSpan(Header));
                Write(part, alone, alone.Length);
                return;
            }
        }

        bytes.CopyTo(buffer.AsSpan(_used[part]));
        _used[part] += bytes.Length;
    }

    /// <summary>Writes what the buffers hold; the files are then ready to be rewound and read.</summary>
    public void Finish()
    {
        for (int p = 0; p < _files.Length; p++)
        {
            Flush(p);
        }

        _files = [];
    }

    private void Flush(int part)
    {
        if (_used[part] > Header)
        {
            Write(part, _buffers[part], _used[part]);
            _used[part] = Header;
        }
    }

    private void Write(int part, byte[] block, int length)
        => WrittenBytes += BucketSpill<T>.WriteBlock(_files[part], block.AsSpan(0, length), owner: 0, ref _compressed);
}
