using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace XAnalytics.Sources;

/// <summary>
/// A forward-only stream that decompresses a gzip file member by member and verifies each member's
/// trailer (CRC-32 and length), throwing <see cref="GzipFormatException"/> on truncation or corruption.
/// </summary>
/// <remarks>
/// Why not <see cref="GZipStream"/>: it hands back a truncated file's partial data as if it were whole
/// (the inflater simply runs out of input), and it hides member boundaries, so neither truncation nor a
/// multi-member file's trailers can be checked from outside. Here the gzip framing (RFC 1952) is parsed by
/// us and only the raw deflate data goes through <see cref="DeflateStream"/> (zlib-ng inside the runtime,
/// so decompression speed is the runtime's), or through <see cref="IsalDeflateStream"/> where Intel ISA-L is on the
/// machine (<see cref="IsalInflater"/>; it says exactly where the deflate data ended, so the trailer is read at its
/// place). With zlib, two facts make the checks exact:
/// <list type="bullet">
/// <item>A raw <see cref="DeflateStream"/> that has reached the deflate end-of-stream marker returns 0
/// without asking its base stream for more; one that runs out of data asks and gets 0. So an end-of-file
/// seen by <see cref="InputTracker"/> before the deflate stream ends means truncation.</item>
/// <item>The inflater reads ahead in chunks and does not say where the deflate data ended, but we know the
/// 8 trailer bytes it must be followed by (CRC-32 and length of what we decompressed), and they lie in the
/// last chunk handed to it. Searching that chunk for them finds the member's end; a false match needs
/// 64 bits to agree by chance. The bytes after the trailer are pushed back and read as the next member.</item>
/// </list>
/// </remarks>
internal sealed class GzipMemberStream : Stream
{
    private const byte FlagHeaderCrc = 0x02;
    private const byte FlagExtra = 0x04;
    private const byte FlagName = 0x08;
    private const byte FlagComment = 0x10;

    private readonly InputTracker _input;
    private readonly Crc32? _crc = GzipCrc.IsSupported ? null : new(); // the runtime's, where ours cannot fold
    private uint _crcValue;
    private Stream? _deflate;
    private readonly IsalInflater? _isal;
    private long _memberLength;
    private int _members;
    private bool _done;

    /// <param name="compressed">The gzip bytes; owned (disposed) by this stream.</param>
    /// <param name="onCompressedBytes">Told how many compressed bytes were consumed, for progress.</param>
    /// <param name="useIsal">Decode with ISA-L where it is available (default); false for the runtime's zlib-ng.</param>
    public GzipMemberStream(Stream compressed, Action<int>? onCompressedBytes = null, bool useIsal = true)
    {
        _input = new InputTracker(compressed, onCompressedBytes);
        _isal = useIsal ? IsalInflater.TryCreate() : null;
    }

    /// <summary>How many gzip members were read completely.</summary>
    public int Members => _members;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsMemory(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Decompression is CPU work on local files; doing it inline avoids a thread hop per chunk.
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_isal is null ? Read(buffer.Span) : Read(buffer));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer) => Read(buffer, default);

    /// <summary>Reads into <paramref name="buffer"/>; with ISA-L, straight into its array when it has one.</summary>
    private int Read(Memory<byte> buffer) => Read(buffer.Span, buffer);

    private int Read(Span<byte> buffer, Memory<byte> memory)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (!_done)
        {
            if (_deflate is null && !BeginMember())
            {
                _done = true;
                break;
            }

            int n;
            try
            {
                n = _deflate is IsalDeflateStream isal && !memory.IsEmpty ? isal.Read(memory) : _deflate!.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw new GzipFormatException(GzipFault.CorruptData, $"invalid compressed data in gzip member {_members + 1}: {e.Message}", e);
            }

            if (n > 0)
            {
                if (_crc is null)
                {
                    _crcValue = GzipCrc.Append(_crcValue, buffer[..n]);
                }
                else
                {
                    _crc.Append(buffer[..n]);
                }

                _memberLength += n;
                return n;
            }

            EndMember();
        }

        return 0;
    }

    private bool BeginMember()
    {
        Span<byte> fixedHeader = stackalloc byte[10];
        int got = _input.ReadUpTo(fixedHeader);
        if (got == 0)
        {
            if (_members == 0)
            {
                throw new GzipFormatException(GzipFault.NotGzip, "empty file: not a gzip stream (0 bytes)");
            }

            return false;
        }

        if (got < 2 || fixedHeader[0] != 0x1f || fixedHeader[1] != 0x8b)
        {
            if (_members == 0)
            {
                throw new GzipFormatException(GzipFault.NotGzip, "not a gzip file (no gzip magic bytes at its start)");
            }

            if (fixedHeader[..got].ContainsAnyExcept((byte)0) || _input.FoundNonZeroBeforeEnd())
            {
                throw new GzipFormatException(GzipFault.TrailingGarbage, $"unexpected bytes after gzip member {_members}");
            }

            return false; // zero padding after the last member, as tape and block tools leave it
        }

        if (got < 10)
        {
            throw new GzipFormatException(GzipFault.Truncated, $"file ends inside the header of gzip member {_members + 1}");
        }

        if (fixedHeader[2] != 8)
        {
            throw new GzipFormatException(GzipFault.CorruptData, $"gzip member {_members + 1} uses unknown compression method {fixedHeader[2]}");
        }

        byte flags = fixedHeader[3];
        if ((flags & FlagExtra) != 0)
        {
            Span<byte> xlen = stackalloc byte[2];
            RequireHeaderBytes(xlen);
            SkipHeaderBytes(BinaryPrimitives.ReadUInt16LittleEndian(xlen));
        }

        if ((flags & FlagName) != 0)
        {
            SkipZeroTerminated();
        }

        if ((flags & FlagComment) != 0)
        {
            SkipZeroTerminated();
        }

        if ((flags & FlagHeaderCrc) != 0)
        {
            SkipHeaderBytes(2);
        }

        _input.ResetEndOfInput();
        _crc?.Reset();
        _crcValue = 0;
        _memberLength = 0;
        _deflate = _isal is null
            ? new DeflateStream(_input, CompressionMode.Decompress, leaveOpen: true)
            : new IsalDeflateStream(_input, _isal);
        return true;
    }

    private void EndMember()
    {
        bool exact = _deflate is IsalDeflateStream;
        _deflate!.Dispose();
        _deflate = null;

        if (_input.SawEndOfInput)
        {
            throw new GzipFormatException(GzipFault.Truncated,
                $"gzip member {_members + 1} is cut off: the file ends before the compressed data does");
        }

        Span<byte> expected = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(expected, _crc?.GetCurrentHashAsUInt32() ?? _crcValue);
        BinaryPrimitives.WriteUInt32LittleEndian(expected[4..], unchecked((uint)_memberLength));
        if (exact)
        {
            _input.ConsumeTrailerAtStart(expected, _members + 1);
        }
        else
        {
            _input.ConsumeTrailer(expected, _members + 1);
        }

        _members++;
    }

    private void RequireHeaderBytes(Span<byte> destination)
    {
        if (_input.ReadUpTo(destination) < destination.Length)
        {
            throw new GzipFormatException(GzipFault.Truncated, $"file ends inside the header of gzip member {_members + 1}");
        }
    }

    private void SkipHeaderBytes(int count)
    {
        Span<byte> one = stackalloc byte[1];
        for (int i = 0; i < count; i++)
        {
            RequireHeaderBytes(one);
        }
    }

    private void SkipZeroTerminated()
    {
        Span<byte> one = stackalloc byte[1];
        do
        {
            RequireHeaderBytes(one);
        }
        while (one[0] != 0);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _deflate?.Dispose();
            _isal?.Dispose();
            _input.Dispose();
        }

        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>
    /// The compressed side: counts what it hands out, notices end-of-file, keeps a copy of the last chunk
    /// handed to the inflater (where the trailer must be), and serves pushed-back bytes first.
    /// Works on non-seekable streams too. Owns one pooled buffer, returned on dispose.
    /// </summary>
    internal sealed class InputTracker : Stream
    {
        private const int ChunkSize = 64 * 1024;
        private readonly Stream _inner;
        private readonly Action<int>? _onBytes;
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ChunkSize + 16);

        // _buffer[_start.._end) are bytes read from _inner and not yet handed out.
        // _lastStart.._start is the chunk most recently handed to the inflater.
        private int _start;
        private int _end;
        private int _lastStart;

        public InputTracker(Stream inner, Action<int>? onBytes)
        {
            _inner = inner;
            _onBytes = onBytes;
        }

        public bool SawEndOfInput { get; private set; }

        public void ResetEndOfInput() => SawEndOfInput = false;

        public override int Read(Span<byte> destination)
        {
            if (_start == _end && !Fill())
            {
                SawEndOfInput = true;
                return 0;
            }

            int n = Math.Min(destination.Length, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(destination);
            _lastStart = _start;
            _start += n;
            return n;
        }

        /// <summary>Reads up to destination.Length bytes, fewer only at end of input.</summary>
        public int ReadUpTo(Span<byte> destination)
        {
            int total = 0;
            while (total < destination.Length)
            {
                if (_start == _end && !Fill())
                {
                    break;
                }

                int n = Math.Min(destination.Length - total, _end - _start);
                _buffer.AsSpan(_start, n).CopyTo(destination[total..]);
                _start += n;
                total += n;
            }

            return total;
        }

        /// <summary>Skips zero padding to the end of input; true when a non-zero byte was found instead.</summary>
        public bool FoundNonZeroBeforeEnd()
        {
            while (true)
            {
                if (_start == _end && !Fill())
                {
                    return false;
                }

                if (_buffer.AsSpan(_start, _end - _start).ContainsAnyExcept((byte)0))
                {
                    return true;
                }

                _start = _end;
            }
        }

        /// <summary>
        /// Puts <paramref name="first"/> then <paramref name="second"/> back in front of the unread input: what an
        /// exact inflater read past the end of the deflate data.
        /// </summary>
        public void PushBack(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
        {
            int n = first.Length + second.Length;
            if (n == 0)
            {
                return;
            }

            int unread = _end - _start;
            if (_start < n)
            {
                byte[] buffer = _buffer;
                if (n + unread > buffer.Length)
                {
                    buffer = ArrayPool<byte>.Shared.Rent(n + unread);
                }

                Buffer.BlockCopy(_buffer, _start, buffer, n, unread);
                if (!ReferenceEquals(buffer, _buffer))
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = buffer;
                }

                _start = n;
                _end = n + unread;
            }

            _start -= n;
            first.CopyTo(_buffer.AsSpan(_start));
            second.CopyTo(_buffer.AsSpan(_start + first.Length));
            _lastStart = _start;
        }

        /// <summary>
        /// Reads the 8 trailer bytes where the unread input starts (an exact inflater put it there) and checks them,
        /// with the same faults as <see cref="ConsumeTrailer"/>.
        /// </summary>
        public void ConsumeTrailerAtStart(ReadOnlySpan<byte> expected, int member)
        {
            Span<byte> trailer = stackalloc byte[8];
            int got = ReadUpTo(trailer);
            if (got < 8)
            {
                throw new GzipFormatException(GzipFault.Truncated, $"gzip member {member} is cut off inside its 8-byte trailer");
            }

            if (!trailer[..4].SequenceEqual(expected[..4]))
            {
                throw new GzipFormatException(GzipFault.ChecksumMismatch,
                    $"gzip member {member}: CRC-32 in trailer does not match the decompressed data (corrupt, or cut off in the trailer)");
            }

            if (!trailer[4..].SequenceEqual(expected[4..]))
            {
                throw new GzipFormatException(GzipFault.ChecksumMismatch, $"gzip member {member}: length in trailer does not match the decompressed data");
            }
        }

        /// <summary>
        /// Finds the 8 expected trailer bytes after the last chunk's start, and positions the input after them.
        /// </summary>
        public void ConsumeTrailer(ReadOnlySpan<byte> expected, int member)
        {
            // The deflate data ended inside [_lastStart, _start); its trailer may run past what was read.
            // Compact so the region starts at 0 and up to 8 more bytes fit.
            int region = _end - _lastStart;
            Buffer.BlockCopy(_buffer, _lastStart, _buffer, 0, region);
            _start -= _lastStart;
            _end = region;
            int handedOut = _start;
            _lastStart = 0;
            while (_end < handedOut + 8)
            {
                int n = _inner.Read(_buffer.AsSpan(_end, handedOut + 8 - _end));
                if (n == 0)
                {
                    break;
                }

                _end += n;
                _onBytes?.Invoke(n);
            }

            ReadOnlySpan<byte> window = _buffer.AsSpan(0, _end);
            int searchEnd = Math.Min(_end, handedOut + 8);
            int at = window[..searchEnd].IndexOf(expected);
            if (at >= 0)
            {
                _start = at + 8;
                return;
            }

            int crcAt = window[..searchEnd].IndexOf(expected[..4]);
            if ((crcAt >= 0 && crcAt + 8 > _end) || EndsInsideTrailer(window, handedOut, expected))
            {
                throw new GzipFormatException(GzipFault.Truncated, $"gzip member {member} is cut off inside its 8-byte trailer");
            }

            if (crcAt >= 0)
            {
                throw new GzipFormatException(GzipFault.ChecksumMismatch, $"gzip member {member}: length in trailer does not match the decompressed data");
            }

            throw new GzipFormatException(GzipFault.ChecksumMismatch,
                $"gzip member {member}: CRC-32 in trailer does not match the decompressed data (corrupt, or cut off in the trailer)");
        }

        /// <summary>
        /// True when the input ended 1 to 3 bytes into the trailer: the file's last bytes are the start of the
        /// expected CRC-32, placed where the deflate data can have ended. (4 or more are found by the CRC search.)
        /// With no trailer byte at all, the cut cannot be told from a wrong trailer, since where the deflate data
        /// ended inside the chunk is not known; that stays a checksum mismatch whose message says so.
        /// </summary>
        private bool EndsInsideTrailer(ReadOnlySpan<byte> window, int handedOut, ReadOnlySpan<byte> expected)
        {
            if (_end >= handedOut + 8)
            {
                return false; // the input goes on past any trailer the chunk can hold
            }

            for (int present = 1; present < 4; present++)
            {
                int at = _end - present;
                if (at >= 0 && at <= handedOut && window[at..].SequenceEqual(expected[..present]))
                {
                    return true;
                }
            }

            return false;
        }

        private bool Fill()
        {
            int n = _inner.Read(_buffer.AsSpan(0, ChunkSize));
            _start = 0;
            _lastStart = 0;
            _end = n;
            if (n > 0)
            {
                _onBytes?.Invoke(n);
            }

            return n > 0;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                byte[] buffer = _buffer;
                _buffer = [];
                if (buffer.Length > 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            base.Dispose(disposing);
        }
    }
}
