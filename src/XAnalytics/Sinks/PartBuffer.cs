using System.Buffers;

namespace XAnalytics.Sinks;

/// <summary>
/// The bytes of one part while it fills and until it is written: 1 MiB chunks rented from
/// <see cref="ArrayPool{T}.Shared"/>. Owner: the packing block fills it, the writing block writes it and
/// returns its chunks (<see cref="Dispose"/>); a part dropped by a cancelled run is simply collected.
/// </summary>
internal sealed class PartBuffer : IDisposable
{
    private const int ChunkSize = 1 << 20;
    private readonly List<byte[]> _chunks = [];
    private int _lastLength = ChunkSize;

    public PartBuffer(int index) => Index = index;

    /// <summary>The part's number, from 0, in input order.</summary>
    public int Index { get; }

    public long Events { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>Appends one event: its bytes, then <paramref name="suffix"/> (a newline for JSON lines).</summary>
    public void Append(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> suffix)
    {
        Copy(bytes);
        Copy(suffix);
        Events++;
    }

    /// <summary>Writes the part's bytes to <paramref name="destination"/>.</summary>
    public void WriteTo(Stream destination)
    {
        for (int i = 0; i < _chunks.Count; i++)
        {
            destination.Write(_chunks[i], 0, i == _chunks.Count - 1 ? _lastLength : ChunkSize);
        }
    }

    public void Dispose()
    {
        foreach (byte[] chunk in _chunks)
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        _chunks.Clear();
    }

    private void Copy(ReadOnlySpan<byte> bytes)
    {
        Bytes += bytes.Length;
        while (!bytes.IsEmpty)
        {
            if (_lastLength == ChunkSize)
            {
                _chunks.Add(ArrayPool<byte>.Shared.Rent(ChunkSize));
                _lastLength = 0;
            }

            int n = Math.Min(bytes.Length, ChunkSize - _lastLength);
            bytes[..n].CopyTo(_chunks[^1].AsSpan(_lastLength));
            _lastLength += n;
            bytes = bytes[n..];
        }
    }
}
