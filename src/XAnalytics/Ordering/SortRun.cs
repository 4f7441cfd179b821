using System.Buffers.Binary;

namespace XAnalytics.Ordering;

/// <summary>
/// Records (a sort key and an event's JSON) gathered in one buffer up to a byte budget, sorted in memory, then
/// either spilled as a run file or merged from memory. One per worker thread; not thread-safe.
/// </summary>
/// <remarks>A record is <c>[key length][event length][key][event]</c> in the buffer; the sort moves only offsets.</remarks>
internal sealed class SortRun
{
    private const int Header = 8;
    private readonly byte[] _buffer;
    private int[] _offsets = new int[4096];
    private int _used;

    public SortRun(int budgetBytes) => _buffer = new byte[budgetBytes];

    public int Count { get; private set; }

    public long Bytes => _used;

    /// <summary>Adds a record; false when it does not fit (sort and spill, then add again).</summary>
    public bool TryAdd(ReadOnlySpan<byte> key, ReadOnlySpan<byte> json)
    {
        int size = Header + key.Length + json.Length;
        if (_used + size > _buffer.Length)
        {
            if (Count == 0)
            {
                throw new InvalidOperationException(
                    $"An event of {json.Length:N0} bytes does not fit the sort's memory budget per thread ({_buffer.Length:N0} bytes): give more --memory.");
            }

            return false;
        }

        if (Count == _offsets.Length)
        {
            Array.Resize(ref _offsets, _offsets.Length * 2);
        }

        Span<byte> at = _buffer.AsSpan(_used, size);
        BinaryPrimitives.WriteInt32LittleEndian(at, key.Length);
        BinaryPrimitives.WriteInt32LittleEndian(at[4..], json.Length);
        key.CopyTo(at[Header..]);
        json.CopyTo(at[(Header + key.Length)..]);
        _offsets[Count++] = _used;
        _used += size;
        return true;
    }

    public void Sort() => Array.Sort(_offsets, 0, Count, new KeyComparer(_buffer));

    public ReadOnlySpan<byte> Key(int i)
    {
        int at = _offsets[i];
        return _buffer.AsSpan(at + Header, BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(at)));
    }

    public ReadOnlySpan<byte> Json(int i)
    {
        int at = _offsets[i];
        int keyLength = BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(at));
        return _buffer.AsSpan(at + Header + keyLength, BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(at + 4)));
    }

    public void Clear()
    {
        Count = 0;
        _used = 0;
    }

    private sealed class KeyComparer(byte[] buffer) : IComparer<int>
    {
        public int Compare(int x, int y)
            => KeyAt(buffer, x).SequenceCompareTo(KeyAt(buffer, y));

        private static ReadOnlySpan<byte> KeyAt(byte[] buffer, int at)
            => buffer.AsSpan(at + Header, BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(at)));
    }
}
