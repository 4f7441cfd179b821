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

    /// <summary>
    /// Appends the spilled records of <paramref name="bucket"/> owned by one of <paramref name="owners"/> and in
    /// <paramref name="part"/> to <paramref name="into"/>.
    /// </summary>
    public void Read<TPart>(int bucket, HashSet<int> owners, RecordBuffer<T> into, TPart part)
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

        file.Rewind();
        while (file.MoveNext())
        {
            if (owners.Contains(BinaryPrimitives.ReadInt32LittleEndian(file.Key)))
            {
                ReadOnlySpan<byte> payload = file.Json;
                if (payload.Length % s_recordBytes != 0)
                {
                    throw new InvalidDataException($"A {name} spill block is not a whole number of records.");
                }

                part.AddTo(into, MemoryMarshal.Cast<byte, T>(payload));
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
                _folder = new SpillFolder(scratch, name, createNow: false, CloseFiles, CancellationToken.None);
                folder = _folder;
            }
        }

        folder.Close();
    }

    private SpillFile File(int bucket)
    {
        lock (_gate)
        {
            _folder ??= new SpillFolder(scratch, name, createNow: false, CloseFiles, CancellationToken.None);
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
}
