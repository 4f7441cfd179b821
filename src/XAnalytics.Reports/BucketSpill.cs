using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using XAnalytics.Ordering;

namespace XAnalytics.Reports;

/// <summary>
/// The scratch files of one report section: its partials' records of type <typeparamref name="T"/> beyond their held
/// budget (<see cref="HeldRecords{T}"/>), one file per learner bucket (<see cref="LearnerBuckets"/>), so the end of the
/// run loads one bucket at a time. Each write is a block of one partial's records of one bucket, tagged with the
/// partial's owner number (a merged partial owns the numbers of the partials merged into it): a partial's records are
/// its held ones and the blocks of its owners.
/// </summary>
/// <remarks>
/// The files are <see cref="SpillFile"/>s (LZ4 blocks, created private and unlinked at once on Unix, so a killed
/// process leaves no data behind) in a private folder (<see cref="SpillFolder"/>) under the <c>scratch-dir</c>
/// setting, else the system's temporary folder, made at the first spill only. <see cref="Close"/> disposes them and
/// deletes the folder: the section calls it at the end of its completion, and <see cref="LearnerReports.Dispose"/>
/// after a failed or cancelled run. Writes are thread-safe (a file's blocks are appended under its lock); reads happen
/// once the workers are done. Records are written as the runtime lays them out: they are read back by the same
/// process only.
/// </remarks>
/// <typeparam name="T">The record: a plain struct, no references.</typeparam>
/// <param name="scratch">The folder to make the private folder in (<c>scratch-dir</c>), or null for the temporary folder.</param>
/// <param name="name">The section's name, in the folder's name.</param>
internal sealed class BucketSpill<T>(string? scratch, string name)
    where T : unmanaged
{
    private static readonly int s_recordBytes = Unsafe.SizeOf<T>();

    private readonly SpillFile?[] _files = new SpillFile?[LearnerBuckets.Count];
    private readonly Split?[] _splits = new Split?[LearnerBuckets.Count];
    private readonly Lock _splitGate = new();
    private PartRouter<T>? _router; // the last split's buffers, for the next bucket's (see PartFile)
    private readonly Lock _gate = new();
    private SpillFolder? _folder;
    private int _nextOwner;

    /// <summary>The bytes written to the scratch files (compressed), for tests and figures.</summary>
    public long SpilledBytes { get; private set; }

    /// <summary>True once a record was written to a file.</summary>
    public bool HasFiles { get; private set; }

    /// <summary>Where the folder is (or will be), for tests.</summary>
    public string? Location => _folder?.Location;

    /// <summary>A new owner number for a partial.</summary>
    public int NewOwner() => Interlocked.Increment(ref _nextOwner);

    /// <summary>
    /// Appends <paramref name="records"/> (all of bucket <paramref name="bucket"/>) as one block owned by
    /// <paramref name="owner"/>; <paramref name="raw"/> and <paramref name="compressed"/> are the caller's buffers, grown as needed.
    /// </summary>
    /// <exception cref="OperationCanceledException">The spill was closed: the run is stopping.</exception>
    public void Write(int bucket, int owner, ReadOnlySpan<T> records, ref byte[] raw, ref byte[] compressed)
    {
        if (records.IsEmpty)
        {
            return;
        }

        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(records);
        int size = BlockHeader + bytes.Length;
        if (raw.Length < size)
        {
            raw = new byte[Math.Max(size, raw.Length * 2)];
        }

        bytes.CopyTo(raw.AsSpan(BlockHeader));
        int written = WriteBlock(File(bucket), raw.AsSpan(0, size), owner, ref compressed);
        lock (_gate)
        {
            SpilledBytes += written;
            BlocksWritten++;
        }
    }

    /// <summary>The bytes before a block's records: <c>[key length = 4][payload length][owner]</c>.</summary>
    internal const int BlockHeader = 12;

    /// <summary>
    /// Writes <paramref name="block"/> (records after <see cref="BlockHeader"/> bytes left for the header) to
    /// <paramref name="file"/> as one record of the spill file's format (<c>[key length][payload length][key][payload]</c>:
    /// the owner, then the records), compressed in <paramref name="compressed"/> (grown when needed); returns the bytes
    /// it took. The bucket files' blocks and the part files' (<see cref="PartRouter{T}"/>) are written so.
    /// </summary>
    internal static int WriteBlock(SpillFile file, Span<byte> block, int owner, ref byte[] compressed)
    {
        BinaryPrimitives.WriteInt32LittleEndian(block, 4);
        BinaryPrimitives.WriteInt32LittleEndian(block[4..], block.Length - BlockHeader);
        BinaryPrimitives.WriteInt32LittleEndian(block[8..], owner);
        int bound = SpillFile.ScratchBytes(block.Length);
        if (compressed.Length < bound)
        {
            compressed = new byte[bound];
        }

        return file.WriteBlock(block, compressed);
    }

    /// <summary>
    /// Appends the spilled records of <paramref name="bucket"/> owned by one of <paramref name="owners"/> and in
    /// <paramref name="part"/> (one of <paramref name="parts"/>) to <paramref name="into"/>.
    /// </summary>
    /// <remarks>
    /// A bucket read in parts is split at the first read of any of its parts: its blocks are read and decompressed
    /// once, each record written to its part's own scratch file (<see cref="PartRouter{T}"/>), and each part then reads
    /// its file only, which is let go of once read. Before, every part read the whole bucket again (one more LZ4
    /// decompression of it per part), so completion grew with the square of the archive past the part size:
    /// answer_distribution over 8M generated events reads its buckets in 8 parts, and spent half its completion there.
    /// A part read a second time (no caller does) reads the bucket whole again, as before.
    /// </remarks>
    public void Read<TPart>(int bucket, HashSet<int> owners, RecordBuffer<T> into, TPart part, int parts)
        where TPart : struct, IBucketPart<T>
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

        if (parts > 1)
        {
            SpillFile? mine = PartFile(bucket, file, owners, part, parts);
            if (mine is not null)
            {
                using (mine)
                {
                    mine.Rewind();
                    while (mine.MoveNext())
                    {
                        into.AddRange(Records(mine.Json)); // the part's records only: the split chose them
                    }
                }

                return;
            }
        }

        file.Rewind();
        while (NextOwned(file, owners, out ReadOnlySpan<T> records))
        {
            part.AddTo(into, records);
        }
    }

    /// <summary>The bytes of the part files bucket splits wrote (compressed), for tests and figures.</summary>
    public long SplitBytes { get; private set; }

    /// <summary>The blocks <see cref="Write"/> wrote to the bucket files, for tests.</summary>
    public long BlocksWritten { get; private set; }

    /// <summary>The blocks read back (and decompressed) from the bucket files, part files aside, for tests.</summary>
    public long BlocksRead { get; private set; }

    /// <summary>
    /// Part <paramref name="part"/>'s own file of <paramref name="bucket"/>, the bucket split into
    /// <paramref name="parts"/> files first when it is not yet (or was for another count, or other owners); the caller
    /// reads and disposes it. Null when that part's file was taken already. Splits are made one at a time (they share
    /// the router's buffers), and their files are the spill's from the start, so <see cref="Close"/> disposes them even
    /// in the middle of a split.
    /// </summary>
    private SpillFile? PartFile<TPart>(int bucket, SpillFile file, HashSet<int> owners, TPart part, int parts)
        where TPart : struct, IBucketPart<T>
    {
        lock (_splitGate)
        {
            Split? split;
            lock (_gate)
            {
                split = _splits[bucket];
            }

            if (split is null || split.Files.Length != parts || !split.Owners.SetEquals(owners))
            {
                DisposeSplit(bucket);
                split = new Split(new SpillFile?[parts], [.. owners]);
                lock (_gate)
                {
                    _splits[bucket] = split; // from here on Close disposes its files
                }

                var files = new SpillFile[parts];
                for (int p = 0; p < parts; p++)
                {
                    files[p] = Folder().CreateFile();
                    lock (_gate)
                    {
                        split.Files[p] = files[p];
                    }
                }

                if (_router?.Parts != parts)
                {
                    _router = new PartRouter<T>(parts);
                }

                PartRouter<T> router = _router;
                router.Start(files);
                file.Rewind();
                while (NextOwned(file, owners, out ReadOnlySpan<T> records))
                {
                    part.Route(records, router);
                }

                router.Finish();
                SplitBytes += router.WrittenBytes;
            }

            lock (_gate)
            {
                SpillFile? mine = split.Files[part.Index];
                split.Files[part.Index] = null;
                return mine;
            }
        }
    }

    /// <summary>The records of the next block of a bucket file owned by one of <paramref name="owners"/>; false at the end.</summary>
    private bool NextOwned(SpillFile file, HashSet<int> owners, out ReadOnlySpan<T> records)
    {
        while (file.MoveNext())
        {
            BlocksRead++;
            if (owners.Contains(BinaryPrimitives.ReadInt32LittleEndian(file.Key)))
            {
                records = Records(file.Json);
                return true;
            }
        }

        records = default;
        return false;
    }

    private ReadOnlySpan<T> Records(ReadOnlySpan<byte> payload)
    {
        if (payload.Length % s_recordBytes != 0)
        {
            throw new InvalidDataException($"A {name} spill block is not a whole number of records.");
        }

        return MemoryMarshal.Cast<byte, T>(payload);
    }

    private void DisposeSplit(int bucket)
    {
        lock (_gate)
        {
            if (_splits[bucket] is { } split)
            {
                foreach (SpillFile? f in split.Files)
                {
                    f?.Dispose();
                }

                _splits[bucket] = null;
            }
        }
    }

    /// <summary>A bucket's part files (each let go of once read) and the owners whose records they hold.</summary>
    private sealed record Split(SpillFile?[] Files, HashSet<int> Owners);

    /// <summary>Disposes the files and deletes the folder; idempotent, and a write after it is a cancellation.</summary>
    public void Close()
    {
        SpillFolder? folder;
        lock (_gate)
        {
            folder = _folder;
            if (folder is null)
            {
                _folder = new SpillFolder(scratch, name, createNow: false, CloseFiles, CancellationToken.None);
                folder = _folder;
            }
        }

        folder.Close();
    }

    private SpillFolder Folder()
    {
        lock (_gate)
        {
            return _folder ??= new SpillFolder(scratch, name, createNow: false, CloseFiles, CancellationToken.None);
        }
    }

    private SpillFile File(int bucket)
    {
        lock (_gate)
        {
            if (_files[bucket] is { } file)
            {
                return file;
            }

            // The folder's CreateFile throws once it is closed: no file is made after the spill's end.
            file = Folder().CreateFile();
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
                DisposeSplit(b);
            }

            _router = null; // its buffers (up to PartRouter.BufferBudget)
        }
    }
}
