using System.Buffers;
using System.Security.Cryptography;

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

/// <summary>A write-only stream that passes bytes on and hashes them (SHA-256) and counts them on the way.</summary>
internal sealed class HashingStream : Stream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _length;

    public HashingStream(Stream inner) => _inner = inner;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    /// <summary>The hash of everything written so far, lowercase hex.</summary>
    public string HashHex() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        _inner.Write(buffer);
        _length += buffer.Length;
    }

    public override void Flush() => _inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
