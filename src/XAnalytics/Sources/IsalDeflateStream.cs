using System.Buffers;
using System.Runtime.InteropServices;

namespace XAnalytics.Sources;

/// <summary>
/// A raw deflate stream decoded by <see cref="IsalInflater"/>, reading its compressed side from a gzip file's
/// <see cref="GzipMemberStream.InputTracker"/>, in place of <see cref="System.IO.Compression.DeflateStream"/>.
/// </summary>
/// <remarks>
/// Unlike zlib, ISA-L says exactly where the deflate data ended: at the end of the member, the bytes it read
/// ahead (in its bit buffer and its unused input) are pushed back to the tracker, so the trailer is then read at
/// its exact place, not searched for. Decoded bytes go straight into the caller's buffer (pinned for the call)
/// when it is an array, as the line reader's batches are. Owns a pooled input buffer and the decoder.
/// </remarks>
internal sealed class IsalDeflateStream : Stream
{
    private const int InputBytes = 64 * 1024;
    private readonly GzipMemberStream.InputTracker _input;
    private readonly IsalInflater _inflater;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InputBytes);
    private GCHandle _pin;
    private int _start;
    private int _end;
    private bool _ended;

    public IsalDeflateStream(GzipMemberStream.InputTracker input, IsalInflater inflater)
    {
        _input = input;
        _inflater = inflater;
        _inflater.Reset();
        _pin = GCHandle.Alloc(_buffer, GCHandleType.Pinned);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadInto(buffer, offset, count);

    public override int Read(Span<byte> buffer)
    {
        byte[] temp = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            int n = ReadInto(temp, 0, buffer.Length);
            temp.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(temp);
        }
    }

    /// <summary>Reads into an array's segment when <paramref name="buffer"/> has one (no copy), else through a copy.</summary>
    public int Read(Memory<byte> buffer)
        => MemoryMarshal.TryGetArray(buffer, out ArraySegment<byte> segment)
            ? ReadInto(segment.Array!, segment.Offset, segment.Count)
            : Read(buffer.Span);

    private int ReadInto(byte[] destination, int offset, int count)
    {
        if (count == 0 || _ended)
        {
            return 0;
        }

        GCHandle output = GCHandle.Alloc(destination, GCHandleType.Pinned);
        try
        {
            while (true)
            {
                if (_start == _end)
                {
                    int read = _input.Read(_buffer.AsSpan(0, InputBytes));
                    if (read == 0)
                    {
                        return 0; // the file ended inside the deflate data: the tracker saw it, the member says so
                    }

                    _start = 0;
                    _end = read;
                }

                int written = _inflater.Inflate(
                    _pin.AddrOfPinnedObject() + _start, _end - _start, output.AddrOfPinnedObject() + offset, count, out int consumed);
                _start += consumed;
                if (_inflater.Finished)
                {
                    _ended = true;
                    PushBackUnused();
                    return written;
                }

                if (written > 0)
                {
                    return written;
                }

                if (consumed == 0 && _start < _end)
                {
                    throw new InvalidDataException("the deflate decoder made no progress");
                }
            }
        }
        finally
        {
            output.Free();
        }
    }

    /// <summary>What the decoder read past the deflate data goes back to the tracker, in order, for the trailer.</summary>
    private void PushBackUnused()
    {
        Span<byte> buffered = stackalloc byte[8];
        int n = _inflater.TakeUnusedBytes(buffered);
        _input.PushBack(buffered[..n], _buffer.AsSpan(_start, _end - _start));
        _start = _end;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer.Length > 0)
        {
            _pin.Free();
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        base.Dispose(disposing);
    }
}
