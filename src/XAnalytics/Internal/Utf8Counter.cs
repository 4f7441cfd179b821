using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace XAnalytics.Internal;

/// <summary>
/// Counts occurrences of byte-string keys without allocating per lookup: open addressing over <see cref="KeyHash"/> hashes,
/// keys copied once into an arena. A <c>Dictionary&lt;string, long&gt;</c> would decode every key to a string.
/// Not thread-safe: one per worker, merged at the end, or one per stripe of a <see cref="SharedUtf8Counter"/>.
/// </summary>
/// <remarks>
/// <para>Each key is one record in the arena: its length (4 bytes), its count (8 bytes), then its bytes. There is no
/// entry array beside it: the table's only other memory is its buckets, 8 bytes each, holding 24 bits of the key's
/// hash (a tag) and where the record is (chunk and offset, 40 bits). A lookup reads the buckets, and reads a record
/// only when its tag matches: a hit is one cache miss into the keys, a miss almost never touches them. The table had
/// a 32-byte entry per key (hash, count, chunk, offset, length) in an array grown by doubling, and an int bucket that
/// led to it: three cache misses per lookup, and 75 MiB above a plain count for 31 MiB of keys (300,000 URL event types).</para>
/// <para>Chunks are at most 64 KiB (an offset fits 16 bits), from the pinned object heap so that the collector never
/// copies them, and are never moved; a record longer than a chunk gets a chunk of its own. Small tables stay small:
/// the first chunks grow 4 KiB, 8 KiB... up to 64 KiB. The buckets are rebuilt by walking the arena in order (its
/// keys hashed again, a sequential pass), and can be dropped once counting is done (<see cref="ReleaseIndex"/>).</para>
/// </remarks>
internal sealed class Utf8Counter
{
    /// <summary>Bytes before a record's key: its length (int) and its count (long).</summary>
    public const int RecordHeader = 12;

    /// <summary>Bits of a record's offset in its chunk.</summary>
    public const int OffsetBits = 16;

    /// <summary>Largest chunk holding several records; a longer record gets one of its own.</summary>
    private const int ChunkBytes = 1 << OffsetBits;

    private const int FirstChunkBytes = 4096;
    private const int ReferenceBits = 40;
    private const ulong ReferenceMask = (1UL << ReferenceBits) - 1;
    private const int MaxChunks = (int)((ReferenceMask - 1) >> OffsetBits);

    private ulong[] _buckets = new ulong[256];
    private byte[][] _chunks = new byte[4][];
    private int[] _chunkUsed = new int[4];
    private int _chunkCount;

    /// <summary>The chunk new records go to (a chunk holding one long record is never it).</summary>
    private int _current = -1;
    private int _count;

    public int Count => _count;

    /// <summary>Bytes held by the keys' arena (for tests and diagnostics).</summary>
    public long ArenaBytes
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _chunkCount; i++)
            {
                total += _chunks[i].Length;
            }

            return total;
        }
    }

    /// <summary>The arena's chunks (the first <see cref="ChunkCount"/> are in use), for <see cref="Cursor"/> and the rows of a count.</summary>
    public byte[][] Chunks => _chunks;

    /// <summary>Chunks in use.</summary>
    public int ChunkCount => _chunkCount;

    /// <summary>
    /// The chunks in use of <paramref name="tables"/> side by side, in table order: a record of table t is named by its
    /// chunk's index there, the chunk counts of the tables before t plus its <see cref="Cursor.ChunkIndex"/>.
    /// </summary>
    public static byte[][] ChunksSideBySide(IReadOnlyList<Utf8Counter> tables)
    {
        int total = 0;
        foreach (Utf8Counter table in tables)
        {
            total += table.ChunkCount;
        }

        var chunks = new byte[total][];
        int chunkBase = 0;
        foreach (Utf8Counter table in tables)
        {
            Array.Copy(table.Chunks, 0, chunks, chunkBase, table.ChunkCount);
            chunkBase += table.ChunkCount;
        }

        return chunks;
    }

    /// <summary>Bytes used in chunk <paramref name="chunk"/>: its records lie back to back from 0.</summary>
    public int ChunkUsed(int chunk) => _chunkUsed[chunk];

    /// <summary>Every record, in the arena's order.</summary>
    public Cursor Records() => new(this);

    /// <summary>The length of the key whose record starts at <paramref name="offset"/>.</summary>
    public static int KeyLength(byte[] chunk, int offset) => BinaryPrimitives.ReadInt32LittleEndian(chunk.AsSpan(offset));

    /// <summary>The count of the key whose record starts at <paramref name="offset"/>.</summary>
    public static long CountAt(byte[] chunk, int offset) => BinaryPrimitives.ReadInt64LittleEndian(chunk.AsSpan(offset + 4));

    /// <summary>The key whose record starts at <paramref name="offset"/>.</summary>
    public static ReadOnlySpan<byte> KeyAt(byte[] chunk, int offset) => chunk.AsSpan(offset + RecordHeader, KeyLength(chunk, offset));

    public void Add(ReadOnlySpan<byte> key, long count) => Add(key, KeyHash.Of(key), count);

    public void Merge(Utf8Counter other)
    {
        Cursor records = other.Records();
        while (records.MoveNext())
        {
            Add(records.Key, records.Count);
        }
    }

    /// <summary>Adds every entry of this table to <paramref name="into"/>, then empties this one.</summary>
    public void MoveTo(SharedUtf8Counter into)
    {
        Cursor records = Records();
        while (records.MoveNext())
        {
            into.Add(records.Key, records.Count);
        }

        _buckets = new ulong[256];
        _chunks = new byte[4][];
        _chunkUsed = new int[4];
        _chunkCount = 0;
        _current = -1;
        _count = 0;
    }

    /// <summary>
    /// Drops the buckets once counting is done: the records stay (and <see cref="Records"/> reads them); a later
    /// <see cref="Add(ReadOnlySpan{byte}, ulong, long)"/> builds the buckets again first.
    /// </summary>
    public void ReleaseIndex() => _buckets = [];

    /// <summary>Adds <paramref name="count"/> to <paramref name="key"/>, whose <see cref="KeyHash"/> is <paramref name="hash"/>.</summary>
    public void Add(ReadOnlySpan<byte> key, ulong hash, long count)
    {
        if (_buckets.Length == 0)
        {
            Rehash(Math.Max(256, (int)BitOperationsRoundUp(_count * 2L)));
        }

        ulong tag = Tag(hash);
        int mask = _buckets.Length - 1;
        int slot = (int)hash & mask;
        while (true)
        {
            ulong bucket = _buckets[slot];
            if (bucket == 0)
            {
                break;
            }

            if ((bucket >> ReferenceBits) == tag)
            {
                ulong reference = (bucket & ReferenceMask) - 1;
                byte[] chunk = _chunks[(int)(reference >> OffsetBits)];
                int offset = (int)reference & (ChunkBytes - 1);
                ref byte record = ref MemoryMarshal.GetArrayDataReference(chunk);
                if (Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref record, offset)) == key.Length
                    && chunk.AsSpan(offset + RecordHeader, key.Length).SequenceEqual(key))
                {
                    ref byte counted = ref Unsafe.Add(ref record, offset + 4);
                    Unsafe.WriteUnaligned(ref counted, Unsafe.ReadUnaligned<long>(ref counted) + count);
                    return;
                }
            }

            slot = (slot + 1) & mask;
        }

        _buckets[slot] = (tag << ReferenceBits) | (Append(key, count) + 1);
        _count++;

        // At most three quarters full: a probe reads 8-byte buckets in a row, and a tag spares it the keys.
        if (_count * 4L > _buckets.Length * 3L)
        {
            Rehash(_buckets.Length * 2);
        }
    }

    private static ulong Tag(ulong hash) => (hash >> 32) & 0xFF_FFFF;

    private static long BitOperationsRoundUp(long value) => (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, value));

    /// <summary>Copies a record of <paramref name="key"/> into the arena; returns its reference (chunk, offset).</summary>
    private ulong Append(ReadOnlySpan<byte> key, long count)
    {
        int length = RecordHeader + key.Length;
        int chunkIndex;
        if (length > ChunkBytes)
        {
            chunkIndex = NewChunk(length); // a chunk of its own; new records still go to the current one
        }
        else
        {
            if (_current < 0 || _chunkUsed[_current] + length > _chunks[_current].Length)
            {
                int size = _current < 0 ? FirstChunkBytes : Math.Min(ChunkBytes, _chunks[_current].Length * 2);
                _current = NewChunk(Math.Max(size, length));
            }

            chunkIndex = _current;
        }

        byte[] chunk = _chunks[chunkIndex];
        int offset = _chunkUsed[chunkIndex];
        BinaryPrimitives.WriteInt32LittleEndian(chunk.AsSpan(offset), key.Length);
        BinaryPrimitives.WriteInt64LittleEndian(chunk.AsSpan(offset + 4), count);
        key.CopyTo(chunk.AsSpan(offset + RecordHeader));
        _chunkUsed[chunkIndex] = offset + length;
        return ((ulong)chunkIndex << OffsetBits) | (uint)offset;
    }

    private int NewChunk(int size)
    {
        if (_chunkCount == MaxChunks)
        {
            throw new InvalidOperationException("A count's table holds more distinct keys than it can address (2^24 chunks of 64 KiB).");
        }

        if (_chunkCount == _chunks.Length)
        {
            Array.Resize(ref _chunks, _chunks.Length * 2);
            Array.Resize(ref _chunkUsed, _chunkUsed.Length * 2);
        }

        _chunks[_chunkCount] = GC.AllocateUninitializedArray<byte>(size, pinned: true);
        _chunkUsed[_chunkCount] = 0;
        return _chunkCount++;
    }

    private void Rehash(int size)
    {
        var buckets = new ulong[size];
        int mask = size - 1;
        for (int c = 0; c < _chunkCount; c++)
        {
            byte[] chunk = _chunks[c];
            int used = _chunkUsed[c];
            for (int offset = 0; offset < used;)
            {
                int length = KeyLength(chunk, offset);
                ulong hash = KeyHash.Of(chunk.AsSpan(offset + RecordHeader, length));
                int slot = (int)hash & mask;
                while (buckets[slot] != 0)
                {
                    slot = (slot + 1) & mask;
                }

                buckets[slot] = (Tag(hash) << ReferenceBits) | ((((ulong)c << OffsetBits) | (uint)offset) + 1);
                offset += RecordHeader + length;
            }
        }

        _buckets = buckets;
    }

    /// <summary>Reads a table's records in the arena's order: sequential reads, no lookup.</summary>
    public struct Cursor
    {
        private readonly Utf8Counter _table;
        private int _chunk;
        private int _next;

        internal Cursor(Utf8Counter table)
        {
            _table = table;
            _chunk = 0;
            _next = 0;
            Chunk = [];
        }

        /// <summary>The current record's chunk.</summary>
        public byte[] Chunk { get; private set; }

        /// <summary>The index of <see cref="Chunk"/> in the table's <see cref="Chunks"/>.</summary>
        public readonly int ChunkIndex => _chunk;

        /// <summary>Where the current record starts in <see cref="Chunk"/>.</summary>
        public int Offset { get; private set; }

        public readonly ReadOnlySpan<byte> Key => KeyAt(Chunk, Offset);

        public readonly long Count => CountAt(Chunk, Offset);

        public bool MoveNext()
        {
            while (_chunk < _table._chunkCount)
            {
                if (_next < _table._chunkUsed[_chunk])
                {
                    Chunk = _table._chunks[_chunk];
                    Offset = _next;
                    _next += RecordHeader + KeyLength(Chunk, Offset);
                    return true;
                }

                _chunk++;
                _next = 0;
            }

            return false;
        }
    }
}
