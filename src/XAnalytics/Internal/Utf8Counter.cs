using System.Runtime.InteropServices;

namespace XAnalytics.Internal;

/// <summary>
/// Counts occurrences of byte-string keys without allocating per lookup: open addressing over <see cref="KeyHash"/> hashes,
/// keys copied once into an arena. A <c>Dictionary&lt;string, long&gt;</c> would decode every key to a string.
/// Not thread-safe: one per worker, merged at the end.
/// </summary>
internal sealed class Utf8Counter
{
    private int[] _buckets = new int[256];
    private Entry[] _entries = new Entry[128];
    private byte[] _arena = new byte[4096];
    private int _count;
    private int _arenaLength;

    public int Count => _count;

    public void Add(ReadOnlySpan<byte> key, long count) => Add(key, KeyHash.Of(key), count);

    public void Merge(Utf8Counter other)
    {
        for (int i = 0; i < other._count; i++)
        {
            ref readonly Entry e = ref other._entries[i];
            Add(other._arena.AsSpan(e.KeyOffset, e.KeyLength), e.Hash, e.Count);
        }
    }

    /// <summary>The key and count of entry <paramref name="index"/> (0 to Count - 1, in insertion order).</summary>
    public ReadOnlySpan<byte> GetKey(int index, out long count)
    {
        ref readonly Entry e = ref _entries[index];
        count = e.Count;
        return _arena.AsSpan(e.KeyOffset, e.KeyLength);
    }

    private void Add(ReadOnlySpan<byte> key, ulong hash, long count)
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
            if (entry.Hash == hash && _arena.AsSpan(entry.KeyOffset, entry.KeyLength).SequenceEqual(key))
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

        if (_arenaLength + key.Length > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaLength + key.Length));
        }

        key.CopyTo(_arena.AsSpan(_arenaLength));
        _entries[_count] = new Entry { Hash = hash, KeyOffset = _arenaLength, KeyLength = key.Length, Count = count };
        _arenaLength += key.Length;
        _buckets[slot] = ++_count;
        if (_count * 2 > _buckets.Length)
        {
            Rehash();
        }
    }

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
        public int KeyOffset;
        public int KeyLength;
        public long Count;
    }
}
