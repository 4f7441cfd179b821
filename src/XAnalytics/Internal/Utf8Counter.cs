using System.Runtime.InteropServices;

namespace XAnalytics.Internal;

/// <summary>
/// Counts occurrences of byte-string keys without allocating per lookup: open addressing over <see cref="KeyHash"/> hashes,
/// keys copied once into an arena. A <c>Dictionary&lt;string, long&gt;</c> would decode every key to a string.
/// Not thread-safe: one per worker, merged at the end, or one per stripe of a <see cref="SharedUtf8Counter"/>.
/// </summary>
/// <remarks>
/// The arena is a list of chunks that are never moved: a table of 300,000 URL event types (30 MB of keys) grew
/// by doubling one array, which held up to twice the keys' bytes and copied them at every step.
/// </remarks>
internal sealed class Utf8Counter
{
    /// <summary>Arena chunk size; a longer key gets a chunk of its own length.</summary>
    private const int ChunkBytes = 256 * 1024;

    private int[] _buckets = new int[256];
    private Entry[] _entries = new Entry[128];
    private readonly List<byte[]> _chunks = [new byte[4096]];
    private int _chunkUsed;
    private int _count;

    public int Count => _count;

    /// <summary>Bytes held by the keys' arena (for tests and diagnostics).</summary>
    public long ArenaBytes
    {
        get
        {
            long total = 0;
            foreach (byte[] chunk in _chunks)
            {
                total += chunk.Length;
            }

            return total;
        }
    }

    public void Add(ReadOnlySpan<byte> key, long count) => Add(key, KeyHash.Of(key), count);

    public void Merge(Utf8Counter other)
    {
        for (int i = 0; i < other._count; i++)
        {
            ref readonly Entry e = ref other._entries[i];
            Add(KeyOf(e), e.Hash, e.Count);
        }
    }

    /// <summary>Adds every entry of this table to <paramref name="into"/>, then empties this one.</summary>
    public void MoveTo(SharedUtf8Counter into)
    {
        for (int i = 0; i < _count; i++)
        {
            ref readonly Entry e = ref _entries[i];
            into.Add(KeyOf(e), e.Hash, e.Count);
        }

        _buckets = new int[256];
        _entries = new Entry[128];
        _chunks.Clear();
        _chunks.Add(new byte[4096]);
        _chunkUsed = 0;
        _count = 0;
    }

    /// <summary>The key and count of entry <paramref name="index"/> (0 to Count - 1, in insertion order).</summary>
    public ReadOnlySpan<byte> GetKey(int index, out long count)
    {
        ref readonly Entry e = ref _entries[index];
        count = e.Count;
        return KeyOf(e);
    }

    /// <summary>Where the key of entry <paramref name="index"/> is stored (its chunk and offset), and its length and count.</summary>
    public byte[] GetKeyLocation(int index, out int offset, out int length, out long count)
    {
        ref readonly Entry e = ref _entries[index];
        offset = e.KeyOffset;
        length = e.KeyLength;
        count = e.Count;
        return e.Chunk;
    }

    /// <summary>Adds <paramref name="count"/> to <paramref name="key"/>, whose <see cref="KeyHash"/> is <paramref name="hash"/>.</summary>
    public void Add(ReadOnlySpan<byte> key, ulong hash, long count)
    {
        int mask = _buckets.Length - 1;
        int slot = (int)hash & mask;
        while (true)
        {
            int e = _buckets[slot];
            if (e == 0)
            {
                break;
            }

            ref Entry entry = ref _entries[e - 1];
            if (entry.Hash == hash && KeyOf(entry).SequenceEqual(key))
            {
                entry.Count += count;
                return;
            }

            slot = (slot + 1) & mask;
        }

        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        byte[] chunk = _chunks[^1];
        if (_chunkUsed + key.Length > chunk.Length)
        {
            // Small tables stay small: the first chunks grow 4 KiB, 8 KiB... up to the chunk size.
            chunk = new byte[Math.Max(key.Length, Math.Min(ChunkBytes, chunk.Length * 2))];
            _chunks.Add(chunk);
            _chunkUsed = 0;
        }

        key.CopyTo(chunk.AsSpan(_chunkUsed));
        _entries[_count] = new Entry { Hash = hash, Chunk = chunk, KeyOffset = _chunkUsed, KeyLength = key.Length, Count = count };
        _chunkUsed += key.Length;
        _buckets[slot] = ++_count;
        if (_count * 2 > _buckets.Length)
        {
            Rehash();
        }
    }

    private static ReadOnlySpan<byte> KeyOf(in Entry e) => e.Chunk.AsSpan(e.KeyOffset, e.KeyLength);

    private void Rehash()
    {
        var buckets = new int[_buckets.Length * 2];
        int mask = buckets.Length - 1;
        for (int i = 0; i < _count; i++)
        {
            int slot = (int)_entries[i].Hash & mask;
            while (buckets[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            buckets[slot] = i + 1;
        }

        _buckets = buckets;
    }

    [StructLayout(LayoutKind.Auto)]
    private struct Entry
    {
        public ulong Hash;
        public long Count;

        // The chunk itself, not its index: a lookup reads the key without going through the chunk list.
        public byte[] Chunk;
        public int KeyOffset;
        public int KeyLength;
    }
}
