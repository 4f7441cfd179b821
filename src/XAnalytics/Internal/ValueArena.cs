using System.Buffers;

namespace XAnalytics.Internal;

/// <summary>
/// Append-only storage for short byte strings that must stay where they are while a batch lives: the JSON of field
/// values read from a BSON batch, which callers hold as spans. Bytes never move; a full chunk is kept and a new one
/// rented. Owner: the batch that created it returns every chunk in <see cref="Dispose"/>.
/// </summary>
internal sealed class ValueArena : IDisposable
{
    private const int ChunkBytes = 16 * 1024;
    private readonly List<byte[]> _full = [];
    private byte[] _chunk = [];
    private int _used;

    /// <summary>Copies <paramref name="bytes"/> in and returns where they now stay.</summary>
    public ReadOnlySpan<byte> Add(ReadOnlySpan<byte> bytes)
    {
        Span<byte> target = Allocate(bytes.Length);
        bytes.CopyTo(target);
        return target;
    }

    /// <summary>Room for <paramref name="length"/> bytes that stays where it is; the caller fills it.</summary>
    public Span<byte> Allocate(int length)
    {
        if (_chunk.Length - _used < length)
        {
            if (_chunk.Length > 0)
            {
                _full.Add(_chunk);
            }

            _chunk = ArrayPool<byte>.Shared.Rent(Math.Max(ChunkBytes, length));
            _used = 0;
        }

        Span<byte> target = _chunk.AsSpan(_used, length);
        _used += length;
        return target;
    }

    public void Dispose()
    {
        foreach (byte[] chunk in _full)
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        _full.Clear();
        if (_chunk.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_chunk);
            _chunk = [];
        }
    }
}
