using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using XAnalytics.Ordering;

namespace XAnalytics.Reports;

/// <summary>
/// The scratch files of one <see cref="VideoSection"/>: its partials' records beyond their held budget, one file per
/// learner bucket (<see cref="Buckets"/>), so the end of the run loads one bucket at a time. Each write is a block of
/// one partial's records of one bucket, tagged with the partial's owner number (a merged partial owns the numbers of
/// the partials merged into it): a partial's records are its held ones and the blocks of its owners.
/// </summary>
/// <remarks>
/// The files are <see cref="SpillFile"/>s (LZ4 blocks, created private and unlinked at once on Unix, so a killed
/// process leaves no data behind) in a private folder (<see cref="SpillFolder"/>) under the <c>scratch-dir</c>
/// setting, else the system's temporary folder, made at the first spill only. <see cref="Close"/> disposes them and
/// deletes the folder: the section calls it at the end of its completion, and <see cref="LearnerReports.Dispose"/>
/// after a failed or cancelled run. Writes are thread-safe (a file's blocks are appended under its lock); reads happen
/// once the workers are done.
/// </remarks>
internal sealed class VideoSpill
{
    /// <summary>
    /// Learner buckets: the end of the run holds about 1/16 of the records at a time. Each bucket's file takes two
    /// pooled 64 KiB buffers: with 64 buckets the full report over 1M events peaked 8-16 MiB higher than main.
    /// </summary>
    public const int Buckets = 16;

    private static readonly int s_recordBytes = Unsafe.SizeOf<VideoKeyedRecord>();

    private readonly string? _scratch;
    private readonly SpillFile?[] _files = new SpillFile?[Buckets];
    private readonly Lock _gate = new();
    private SpillFolder? _folder;
    private int _nextOwner;

    public VideoSpill(string? scratch) => _scratch = scratch;

    /// <summary>The bytes written to the scratch files (compressed), for tests and figures.</summary>
    public long SpilledBytes { get; private set; }

    /// <summary>True once a record was written to a file.</summary>
    public bool HasFiles { get; private set; }

    /// <summary>Where the folder is (or will be), for tests.</summary>
    public string? Location => _folder?.Location;

    /// <summary>A new owner number for a partial.</summary>
    public int NewOwner() => Interlocked.Increment(ref _nextOwner);

    /// <summary>The bucket of a learner: a multiplicative hash's top bits (user keys are often small numbers).</summary>
    public static int Bucket(long user) => (int)(((ulong)user * 0x9E3779B97F4A7C15UL) >> 60);

    /// <summary>
    /// Appends <paramref name="records"/> (all of bucket <paramref name="bucket"/>) as one block owned by
    /// <paramref name="owner"/>; <paramref name="raw"/> and <paramref name="compressed"/> are the caller's buffers, grown as needed.
    /// </summary>
    /// <exception cref="OperationCanceledException">The spill was closed: the run is stopping.</exception>
    public void Write(int bucket, int owner, ReadOnlySpan<VideoKeyedRecord> records, ref byte[] raw, ref byte[] compressed)
    {
        if (records.IsEmpty)
        {
            return;
        }

        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(records);
        int size = 12 + bytes.Length;
        if (raw.Length < size)
        {
            raw = new byte[Math.Max(size, raw.Length * 2)];
        }

        // One record of the spill file's format ([key length][payload length][key][payload]): the owner, then the records.
        BinaryPrimitives.WriteInt32LittleEndian(raw, 4);
        BinaryPrimitives.WriteInt32LittleEndian(raw.AsSpan(4), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(raw.AsSpan(8), owner);
        bytes.CopyTo(raw.AsSpan(12));
        int bound = SpillFile.ScratchBytes(size);
        if (compressed.Length < bound)
        {
            compressed = new byte[bound];
        }

        SpillFile file = File(bucket);
        int written = file.WriteBlock(raw.AsSpan(0, size), compressed);
        lock (_gate)
        {
            SpilledBytes += written;
        }
    }

    /// <summary>Appends the spilled records of <paramref name="bucket"/> owned by one of <paramref name="owners"/> to <paramref name="into"/>.</summary>
    public void Read(int bucket, HashSet<int> owners, RecordBuffer into)
    {
        SpillFile? file;
        lock (_gate)
        {
            file = _files[bucket];
        }

        if (file is null)
        {
            return;
        }

        file.Rewind();
        while (file.MoveNext())
        {
            if (owners.Contains(BinaryPrimitives.ReadInt32LittleEndian(file.Key)))
            {
                ReadOnlySpan<byte> payload = file.Json;
                if (payload.Length % s_recordBytes != 0)
                {
                    throw new InvalidDataException("A video spill block is not a whole number of records.");
                }

                into.AddRange(MemoryMarshal.Cast<byte, VideoKeyedRecord>(payload));
            }
        }
    }

    /// <summary>Disposes the files and deletes the folder; idempotent, and a write after it is a cancellation.</summary>
    public void Close()
    {
        SpillFolder? folder;
        lock (_gate)
        {
            folder = _folder;
            if (folder is null)
            {
                _folder = new SpillFolder(_scratch, "video", createNow: false, CloseFiles, CancellationToken.None);
                folder = _folder;
            }
        }

        folder.Close();
    }

    private SpillFile File(int bucket)
    {
        lock (_gate)
        {
            _folder ??= new SpillFolder(_scratch, "video", createNow: false, CloseFiles, CancellationToken.None);
            if (_files[bucket] is { } file)
            {
                return file;
            }

            // The folder's CreateFile throws once it is closed: no file is made after the spill's end.
            file = _folder.CreateFile();
            _files[bucket] = file;
            HasFiles = true;
            return file;
        }
    }

    private void CloseFiles()
    {
        lock (_gate)
        {
            for (int b = 0; b < _files.Length; b++)
            {
                _files[b]?.Dispose();
                _files[b] = null;
            }
        }
    }

    /// <summary>A growable array of records that keeps its storage between uses.</summary>
    internal sealed class RecordBuffer
    {
        private VideoKeyedRecord[] _items = [];

        public int Count { get; private set; }

        public Span<VideoKeyedRecord> Span => _items.AsSpan(0, Count);

        public void AddRange(ReadOnlySpan<VideoKeyedRecord> records)
        {
            if (Count + records.Length > _items.Length)
            {
                Grow(Count + records.Length);
            }

            records.CopyTo(_items.AsSpan(Count));
            Count += records.Length;
        }

        public void Clear() => Count = 0;

        private void Grow(int needed) => Array.Resize(ref _items, Math.Max(needed, Math.Max(16, _items.Length * 2)));
    }
}
