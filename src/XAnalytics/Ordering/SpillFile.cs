using System.Buffers;
using System.Buffers.Binary;
using K4os.Compression.LZ4;

namespace XAnalytics.Ordering;

/// <summary>
/// A sorted run written to the scratch folder and read back once by the merge: blocks of records, each block
/// compressed with LZ4 (<c>[raw length][compressed length][bytes]</c>; a record never spans two blocks).
/// </summary>
/// <remarks>
/// The file is private and leaves no trace: created new (never an existing file or link), readable by its owner
/// only, and on Unix unlinked as soon as it is open, so it lives only as long as this handle, also when the
/// process is killed. Owns its stream and two pooled buffers; dispose it.
/// </remarks>
internal sealed class SpillFile : IRecordCursor
{
    /// <summary>
    /// Raw bytes per block: big enough for LZ4 to find repeats across events (its window is 64 KiB), small enough
    /// that a merge of many runs holds little: 10M events with --memory 256MiB merged 144 runs, and 256 KiB blocks
    /// (768 KiB of buffers a run, as the pool rounds) took the peak from 332 MiB (1M events) to 726 MiB.
    /// </summary>
    public const int BlockBytes = 64 * 1024;

    private readonly FileStream _file;
    // Rented at the first block written or read, and returned once a read has reached the end: a report keeps a file
    // per section and learner bucket open through the run (112 of them), and each held 192 KiB (the compressed
    // buffer's worst case rounds up to 128 KiB in the pool) whether or not it was being read or written.
    private byte[] _raw = [];
    private byte[] _compressed = [];
    private int _rawUsed;
    private int _rawLength;
    private int _at;
    private int _keyStart;
    private int _keyLength;
    private int _jsonStart;
    private int _jsonLength;

    // Set on Windows only, where an open file cannot be unlinked: deleted on Dispose instead.
    private readonly string? _deleteOnDispose;

    private SpillFile(FileStream file, string? deleteOnDispose)
    {
        _file = file;
        _deleteOnDispose = deleteOnDispose;
    }

    public long CompressedBytes { get; private set; }

    /// <summary>The records' bytes before compression, of the blocks <see cref="WriteBlock"/> wrote.</summary>
    public long RawBytes { get; private set; }

    public ReadOnlySpan<byte> Key => _raw.AsSpan(_keyStart, _keyLength);

    public ReadOnlySpan<byte> Json => _raw.AsSpan(_jsonStart, _jsonLength);

    /// <summary>
    /// A new private folder (0700, checked as the rejects folder is) for one run's spills, in <paramref name="scratch"/>
    /// (the temporary folder when null): <c>xanalytics-KIND-PID-GUID</c>.
    /// </summary>
    public static string CreateDirectory(string? scratch, string kind)
        => Internal.PrivateDirectory.Ensure(Path.Combine(scratch ?? Path.GetTempPath(), $"xanalytics-{kind}-{Environment.ProcessId}-{Guid.NewGuid():N}"));

    /// <summary>Writes <paramref name="run"/> (sorted) to a new file in <paramref name="directory"/>, ready to read back.</summary>
    public static SpillFile Write(SortRun run, string directory) => Write(run, () => Create(directory));

    /// <summary>
    /// Writes <paramref name="run"/> (sorted) to the new file <paramref name="create"/> gives (the caller's guard
    /// against a cleanup under way), ready to read back.
    /// </summary>
    public static SpillFile Write(SortRun run, Func<SpillFile> create)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Write(new MemoryRunCursor(run), create);
    }

    /// <summary>
    /// Writes the records of <paramref name="records"/> (already in order: a sorted run, or several runs merged into
    /// one) to the new file <paramref name="create"/> gives, ready to read back. The cursor is not disposed.
    /// </summary>
    public static SpillFile Write(IRecordCursor records, Func<SpillFile> create)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(create);
        SpillFile spill = create();
        try
        {
            while (records.MoveNext())
            {
                spill.Append(records.Key, records.Json);
            }

            spill.FlushBlock();
            spill.Rewind();
            return spill;
        }
        catch
        {
            spill.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A new, empty file in <paramref name="directory"/> that several threads fill with <see cref="WriteBlock"/>
    /// (records in any order: a shuffle bucket), then read back once after <see cref="Rewind"/>.
    /// </summary>
    public static SpillFile Create(string directory)
    {
        string path = Path.Combine(directory, $"run-{Guid.NewGuid():N}.lz4");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            BufferSize = 0,
            Options = FileOptions.SequentialScan,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var file = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            File.Delete(path); // the open handle keeps the data; nothing is left behind, whatever happens next
        }

        return new SpillFile(file, OperatingSystem.IsWindows() ? path : null);
    }

    /// <summary>
    /// The worst-case compressed size of a block of <paramref name="rawBytes"/>: the size of the scratch buffer
    /// <see cref="WriteBlock"/> needs.
    /// </summary>
    public static int ScratchBytes(int rawBytes) => LZ4Codec.MaximumOutputSize(rawBytes);

    /// <summary>
    /// Compresses whole records (<c>[key length][event length][key][event]</c>, as <see cref="SortRun"/> holds them)
    /// into <paramref name="scratch"/> on the calling thread, then appends them as one block; thread-safe.
    /// Returns the bytes the block took in the file.
    /// </summary>
    public int WriteBlock(ReadOnlySpan<byte> records, Span<byte> scratch)
    {
        if (records.IsEmpty)
        {
            return 0;
        }

        int compressed = LZ4Codec.Encode(records, scratch, LZ4Level.L00_FAST);
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(header, records.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], compressed);
        lock (_file)
        {
            _file.Write(header);
            _file.Write(scratch[..compressed]);
            CompressedBytes += 8 + compressed;
            RawBytes += records.Length;
        }

        return 8 + compressed;
    }

    /// <summary>
    /// Ends writing: the next <see cref="MoveNext"/> reads the first record. The buffers go back to the pool until then
    /// (a file written whole holds none while it waits for the merge).
    /// </summary>
    /// <remarks>
    /// A written run kept its two buffers (192 KiB, as the pool rounds) until the merge read it: <c>shard --sorted</c>
    /// over 16M generated events, whose buckets' sorts spill many small runs, grew from 359 MiB to 551 MiB while it read.
    /// </remarks>
    public void Rewind()
    {
        _file.Flush();
        _file.Position = 0;
        _rawLength = 0;
        _at = 0;
        if (_rawUsed == 0)
        {
            Return(ref _raw);
            Return(ref _compressed);
        }
    }

    public bool MoveNext()
    {
        if (_at == _rawLength && !ReadBlock())
        {
            // Read to the end: the buffers go back to the pool until the next read or write.
            Return(ref _raw);
            Return(ref _compressed);
            _rawLength = _at = 0;
            return false;
        }

        _keyLength = BinaryPrimitives.ReadInt32LittleEndian(_raw.AsSpan(_at));
        _jsonLength = BinaryPrimitives.ReadInt32LittleEndian(_raw.AsSpan(_at + 4));
        _keyStart = _at + 8;
        _jsonStart = _keyStart + _keyLength;
        _at = _jsonStart + _jsonLength;
        return true;
    }

    public void Dispose()
    {
        CloseHandle();
        Return(ref _raw);
        Return(ref _compressed);
    }

    /// <summary>
    /// Closes the file (deleted with it on Windows) but keeps the buffers: what a closing scratch folder does to a
    /// file another thread is still writing, whose next write then fails (<see cref="ObjectDisposedException"/>) and
    /// whose writer, the buffers' owner, disposes it. Thread-safe, and idempotent as <see cref="Dispose"/> is.
    /// </summary>
    public void CloseHandle()
    {
        _file.Dispose();
        if (_deleteOnDispose is not null)
        {
            File.Delete(_deleteOnDispose);
        }
    }

    private void Append(ReadOnlySpan<byte> key, ReadOnlySpan<byte> json)
    {
        int size = 8 + key.Length + json.Length;
        if (_rawUsed + size > _raw.Length)
        {
            FlushBlock();
            if (size > _raw.Length)
            {
                Grow(Math.Max(size, BlockBytes));
            }
        }

        Span<byte> at = _raw.AsSpan(_rawUsed);
        BinaryPrimitives.WriteInt32LittleEndian(at, key.Length);
        BinaryPrimitives.WriteInt32LittleEndian(at[4..], json.Length);
        key.CopyTo(at[8..]);
        json.CopyTo(at[(8 + key.Length)..]);
        _rawUsed += size;
    }

    private void FlushBlock()
    {
        if (_rawUsed == 0)
        {
            return;
        }

        int compressed = LZ4Codec.Encode(_raw, 0, _rawUsed, _compressed, 0, _compressed.Length, LZ4Level.L00_FAST);
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(header, _rawUsed);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], compressed);
        _file.Write(header);
        _file.Write(_compressed, 0, compressed);
        CompressedBytes += 8 + compressed;
        _rawUsed = 0;
    }

    private bool ReadBlock()
    {
        Span<byte> header = stackalloc byte[8];
        int got = _file.ReadAtLeast(header, 8, throwOnEndOfStream: false);
        if (got == 0)
        {
            return false;
        }

        if (got < 8)
        {
            throw new InvalidDataException("A sort spill file ends inside a block header.");
        }

        int raw = BinaryPrimitives.ReadInt32LittleEndian(header);
        int compressed = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        if (raw > _raw.Length)
        {
            Grow(raw);
        }

        if (compressed > _compressed.Length)
        {
            Return(ref _compressed);
            _compressed = ArrayPool<byte>.Shared.Rent(compressed);
        }

        _file.ReadExactly(_compressed, 0, compressed);
        if (LZ4Codec.Decode(_compressed, 0, compressed, _raw, 0, raw) != raw)
        {
            throw new InvalidDataException("A sort spill file block does not decompress to its length.");
        }

        _rawLength = raw;
        _at = 0;
        return true;
    }

    private void Grow(int size)
    {
        byte[] bigger = ArrayPool<byte>.Shared.Rent(size);
        _raw.AsSpan(0, _rawUsed).CopyTo(bigger);
        Return(ref _raw);
        _raw = bigger;
        Return(ref _compressed);
        _compressed = ArrayPool<byte>.Shared.Rent(LZ4Codec.MaximumOutputSize(size));
    }

    private static void Return(ref byte[] buffer)
    {
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = [];
        }
    }
}
