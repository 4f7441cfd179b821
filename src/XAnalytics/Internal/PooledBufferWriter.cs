using System.Buffers;

namespace XAnalytics.Internal;

/// <summary>
/// A growable <see cref="IBufferWriter{T}"/> over an <see cref="ArrayPool{T}"/> array that can be
/// rewound (to cut a truncated line) and cleared after each flush to the compressor.
/// Owner: whoever created it (a file generator, a BSON reader) returns the array in <see cref="Dispose"/>.
/// </summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer;
    private int _written;

    public PooledBufferWriter(int initialCapacity) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int WrittenCount => _written;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_written));
        _written += bytes.Length;
    }

    public void Write(byte b)
    {
        Ensure(1);
        _buffer[_written++] = b;
    }

    /// <summary>Overwrites the byte at <paramref name="offset"/>, already written (a placeholder filled in later).</summary>
    public void Set(int offset, byte value) => _buffer.AsSpan(0, _written)[offset] = value;

    /// <summary>Bytes already written, to patch in place (a length prefix filled in later).</summary>
    public Span<byte> Span(int offset, int length) => _buffer.AsSpan(0, _written).Slice(offset, length);

    /// <summary>Forgets everything after <paramref name="length"/> bytes.</summary>
    public void Truncate(int length) => _written = length;

    public void Clear() => _written = 0;

    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Ensure(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 256);
        if (_buffer.Length - _written >= sizeHint)
        {
            return;
        }

        byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + sizeHint));
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
