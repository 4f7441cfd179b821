using System.Buffers;
using System.Globalization;
using System.IO.Hashing;

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
    private readonly List<long> _documentChunkEnds = [];
    private int _lastLength = ChunkSize;
    private long _documentChunkStart;

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
        if (Bytes - _documentChunkStart >= ChunkSize)
        {
            _documentChunkEnds.Add(Bytes);
            _documentChunkStart = Bytes;
        }
    }

    /// <summary>
    /// The part cut into chunks of whole events (about 1 MiB each: an event never crosses a chunk's end), each as
    /// its byte length and XXH3 (64-bit, seed 0, 16 lowercase hex digits): what a reader can check one chunk at a
    /// time. The lengths add up to <see cref="Bytes"/>.
    /// </summary>
    public (long Bytes, string Xxh3)[] ChunkHashes()
    {
        int count = _documentChunkEnds.Count + (Bytes > _documentChunkStart ? 1 : 0);
        var result = new (long Bytes, string Xxh3)[count];
        var hash = new XxHash3();
        long offset = 0;
        for (int c = 0; c < count; c++)
        {
            long end = c < _documentChunkEnds.Count ? _documentChunkEnds[c] : Bytes;
            hash.Reset();
            for (long at = offset; at < end;)
            {
                int array = (int)(at / ChunkSize);
                int from = (int)(at % ChunkSize);
                int n = (int)Math.Min(end - at, ChunkSize - from);
                hash.Append(_chunks[array].AsSpan(from, n));
                at += n;
            }

            result[c] = (end - offset, hash.GetCurrentHashAsUInt64().ToString("x16", CultureInfo.InvariantCulture));
            offset = end;
        }

        return result;
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
