using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Sources;

/// <summary>
/// Reads one file (gzip or plain) and frames its bytes into line batches. The file is read (or inflated) straight
/// into the free end of the batch being filled, and the lines stay where they landed: each gets an entry for its
/// bytes, found with a vectorised search for <c>\n</c>. Only a line cut by the end of the batch's buffer moves, to
/// the next batch.
/// </summary>
/// <remarks>
/// <para>
/// A line longer than <see cref="LineReaderOptions.MaxLineBytes"/> is never held: once a line has that many bytes
/// without a newline, they are counted, a sample is kept for the rejects file, and bytes are dropped until the next
/// newline. A last line without a newline is kept. Blank lines (only white space) are counted apart and skipped.
/// </para>
/// <para>
/// Reading in place, where a pipe handed out the inflated bytes and each line was copied into its batch, took the
/// line copy and the pipe's bookkeeping out: inflating and framing one 115 MB file went from about 68 to 63 ms.
/// </para>
/// </remarks>
internal static class LineReader
{
    /// <summary>Below this much free room a batch is sent on rather than read into again.</summary>
    private const int MinReadBytes = 32 * 1024;

    /// <summary>The most one read asks for (gzip gives about 66 KiB a read whatever is asked).</summary>
    private const int MaxReadBytes = 256 * 1024;

    /// <summary>
    /// Reads a file, handing each full batch to <paramref name="emit"/> (which applies back-pressure).
    /// Faults of the data (truncated or corrupt gzip, unreadable file) end the file and are returned, after the
    /// lines read before them have been handed on; cancellation throws.
    /// </summary>
    public static async Task<FileReadOutcome> ReadAsync(
        SourceFile file,
        LineReaderOptions options,
        RunCounters counters,
        RejectLog rejects,
        Func<EventBatch, CancellationToken, ValueTask> emit,
        CancellationToken cancellationToken)
    {
        var state = new FramingState(file, options, rejects);
        bool gzip = false;
        MemberHold? hold = null;
        try
        {
            Stream stream;
            try
            {
                stream = Open(file, options, counters, file.Format == SourceFormat.GzipJsonLines, out gzip);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new FileReadOutcome(0, $"cannot be read: {e.Message}");
            }

            string? fault = null;
            bool badMember = false;
            if (stream is GzipMemberStream members)
            {
                hold = new MemberHold(members);
            }

            await using (stream.ConfigureAwait(false))
            {
                try
                {
                    await state.ReadAllAsync(stream, hold is null ? Emit : Hold, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    // The lines framed before the fault are good: they go on below, then the file is reported.
                    // The unfinished line the fault cut is not counted. Those of a member whose trailer did not
                    // match are not good: held back until now, they are rejected instead.
                    fault = Describe(e);
                    badMember = e is GzipFormatException { Kind: GzipFault.ChecksumMismatch };
                }
            }

            if (state.TakeCurrent() is { } last)
            {
                if (hold is null)
                {
                    await Emit(last).ConfigureAwait(false);
                }
                else
                {
                    Report();
                    hold.Add(last);
                }
            }

            if (hold is not null)
            {
                if (badMember)
                {
                    while (hold.TakeVerified() is { } good)
                    {
                        await emit(good, cancellationToken).ConfigureAwait(false);
                    }

                    (long rejected, long early) = hold.RejectAll(file, rejects);
                    fault += early == 0
                        ? $"; its {rejected} lines held back are rejected as {RejectReasons.BadMember}"
                        : $"; {rejected} of its lines held back are rejected as {RejectReasons.BadMember}, but {early} lines read before them"
                            + $" (beyond the {MemberHold.MaxHeldBatches} batches held) were already counted as events";
                }
                else
                {
                    while (hold.TakeAny() is { } batch)
                    {
                        await emit(batch, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            return new FileReadOutcome(state.Lines, fault);
        }
        finally
        {
            Report();
            hold?.Dispose();
            state.Dispose();
        }

        // Gzip input: a full batch waits until the members its lines came from are verified (see MemberHold).
        async ValueTask Hold(EventBatch batch)
        {
            Report();
            hold!.Add(batch);
            while (hold.TakeReleased() is { } ready)
            {
                await emit(ready, cancellationToken).ConfigureAwait(false);
            }
        }

        ValueTask Emit(EventBatch batch)
        {
            Report();
            return emit(batch, cancellationToken);
        }

        void Report()
        {
            counters.AddRead(state.TakeLinesToReport(out long blank, out long bytes), blank, bytes);
            if (!gzip)
            {
                counters.AddStoredBytes((int)Math.Min(int.MaxValue, bytes));
            }
        }
    }

    /// <summary>
    /// Opens a file for reading, through the strict gzip reader when it is declared gzip or starts with the gzip
    /// magic (shared by the JSON-lines and BSON readers). Standard input (<c>-</c>) and named pipes are read as
    /// they come: nothing here seeks or asks for a length.
    /// </summary>
    internal static Stream Open(SourceFile file, LineReaderOptions options, RunCounters counters, bool declaredGzip, out bool gzip)
    {
        Stream stream = file.OpenStored is { } openStored ? openStored()
            : file.Path == FileSource.StandardInput
            ? options.StandardInput?.Invoke() ?? Console.OpenStandardInput()
            : new FileStream(file.Path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0, // reads are already 64 KiB and larger
                Options = FileOptions.SequentialScan,
            });
        if (file.ManifestHash is { } sha256)
        {
            // A part listed in its folder's manifest: its bytes are hashed as they are read and checked at the end.
            stream = new ManifestHashCheckingStream(stream, sha256, Path.GetFileName(file.Path));
        }

        if (!declaredGzip)
        {
            stream = PeekGzipMagic(stream, out declaredGzip);
        }

        gzip = declaredGzip;
        return gzip ? new GzipMemberStream(stream, counters.AddStoredBytes) : stream;
    }

    /// <summary>
    /// Whether the stream starts with the gzip magic; the stream to read from then on, from its first byte (the same
    /// one rewound when it can seek, else one that hands out the peeked bytes first).
    /// </summary>
    private static Stream PeekGzipMagic(Stream stream, out bool gzip)
    {
        byte[] head = new byte[2];
        int n = stream.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        gzip = n == 2 && head[0] == 0x1f && head[1] == 0x8b;
        if (stream.CanSeek)
        {
            stream.Position = 0;
            return stream;
        }

        return new ReplayStream(head.AsMemory(0, n), stream);
    }

    /// <summary>Why a file could not be read on, from the exception its stream threw (strict gzip, plain I/O).</summary>
    internal static string Describe(Exception e) => e switch
    {
        GzipFormatException g => g.Message,
        InvalidDataException => $"corrupt gzip data: {e.Message}",
        _ => $"read error: {e.Message}",
    };

    /// <summary>The first <c>\n</c> in <paramref name="bytes"/>, or -1.</summary>
    /// <remarks>
    /// Ours, 64 bytes a step, and jitted for the machine: the runtime's <c>IndexOf</c> ran as precompiled code
    /// built for the baseline x64 ISA for most of a count (perf), 2.8% of its CPU.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int IndexOfNewline(ReadOnlySpan<byte> bytes)
    {
        if (!Vector512.IsHardwareAccelerated || bytes.Length < 64)
        {
            return bytes.IndexOf((byte)'\n');
        }

        ref byte start = ref MemoryMarshal.GetReference(bytes);
        Vector512<byte> newline = Vector512.Create((byte)'\n');
        nuint last = (nuint)bytes.Length - 64;
        nuint at = 0;
        while (true)
        {
            ulong found = Vector512.Equals(Vector512.LoadUnsafe(ref start, at), newline).ExtractMostSignificantBits();
            if (found != 0)
            {
                return (int)at + BitOperations.TrailingZeroCount(found);
            }

            if (at == last)
            {
                return -1;
            }

            // The last step may overlap the one before: it reads the final 64 bytes, and bytes it reads twice
            // held no newline the first time.
            at = Math.Min(at + 64, last);
        }
    }

    /// <summary>The framing state of one file; not thread-safe (one file is read by one task).</summary>
    private sealed class FramingState(SourceFile file, LineReaderOptions options, RejectLog rejects) : IDisposable
    {
        private const int SampleBytes = RejectLog.MaxRawBytes;

        /// <summary>
        /// The most bytes of one line held without its newline: the bound and one more, which may be the \r of a
        /// CRLF (kept within what one array can hold beside a read).
        /// </summary>
        private readonly int _maxHeldBytes = (int)Math.Min(options.MaxLineBytes + 1L, Array.MaxLength - (2L * MinReadBytes));
        private EventBatch? _current;
        private long _sequence;
        private long _lineNumber;
        private long _unreportedLines;
        private long _unreportedBlank;
        private long _unreportedBytes;
        private bool _skipping;
        private long _skipLine;
        private byte[]? _sample;
        private int _sampleLength;

        /// <summary>Non-blank lines read so far (events to be, and too-long rejects).</summary>
        public long Lines { get; private set; }

        public long TakeLinesToReport(out long blank, out long bytes)
        {
            long lines = _unreportedLines;
            blank = _unreportedBlank;
            bytes = _unreportedBytes;
            _unreportedLines = _unreportedBlank = _unreportedBytes = 0;
            return lines;
        }

        /// <summary>The batch in progress, when it holds lines (then it is the caller's); else null.</summary>
        public EventBatch? TakeCurrent() => EventBatch.TakeIfAny(ref _current);

        /// <summary>
        /// Reads the stream to its end into batches, handing each full one to <paramref name="emit"/>; the batch in
        /// progress stays for <see cref="TakeCurrent"/>. The stream's faults propagate.
        /// </summary>
        public async Task ReadAllAsync(Stream stream, Func<EventBatch, ValueTask> emit, CancellationToken cancellationToken)
        {
            _current = NewBatch(0);
            int filled = 0; // bytes read into the current batch's free room and not framed yet
            int scanned = 0; // of those, how many are known to hold no newline
            while (true)
            {
                if (_skipping && filled > 0)
                {
                    filled = DropSkipped(_current.FreeMemory.Span[..filled]);
                    scanned = 0;
                }

                if (filled > scanned && !_skipping)
                {
                    int used = Frame(_current.FreeMemory.Span[..filled], ref scanned);
                    _current.UseFree(used);
                    filled -= used;
                    scanned -= used;
                    if (!_current.IsFull && filled > _maxHeldBytes)
                    {
                        // All that is left is one line, already over the bound even if its last byte is the \r of
                        // a CRLF (no part of the line): a line must not be judged by where a read happened to end.
                        BeginSkip(_current.FreeMemory.Span[..filled]);
                        filled = scanned = 0;
                    }
                }

                Memory<byte> free = _current.FreeMemory;
                if (_current.IsFull || free.Length - filled < MinReadBytes)
                {
                    // Full of events, the bytes carried may be many lines; else they are one unfinished line.
                    await RotateAsync(filled, oneLine: !_current.IsFull, emit).ConfigureAwait(false);
                    continue;
                }

                // Reads are capped so that a batch filled by its count of events (short lines) leaves at most one
                // read's worth of bytes to move to the next batch.
                int n = await stream.ReadAsync(free.Slice(filled, Math.Min(free.Length - filled, MaxReadBytes)), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                filled += n;
            }

            if (_skipping)
            {
                EndSkip();
            }
            else if (filled > 0)
            {
                // The last line, without a newline. The batch has room for its entry: reads are made only into a
                // batch that is not full, and the last one brought nothing.
                _unreportedBytes += filled;
                Accept(_current.FreeMemory.Span[..filled], 0);
                _current.UseFree(filled);
            }
        }

        /// <summary>
        /// Frames the complete lines at the start of <paramref name="room"/> (the read, unframed bytes of the batch's
        /// free room), adding each one to the batch where it lies. Returns how many bytes were consumed;
        /// <paramref name="scanned"/> (from the start of <paramref name="room"/>) is how far no newline is left.
        /// </summary>
        private int Frame(ReadOnlySpan<byte> room, ref int scanned)
        {
            int start = 0; // where the current line starts
            int from = scanned; // where the search for its newline goes on
            EventBatch batch = _current!;
            while (!batch.IsFull)
            {
                int newline = IndexOfNewline(room[from..]);
                if (newline < 0)
                {
                    from = room.Length;
                    break;
                }

                int end = from + newline;
                _unreportedBytes += end + 1 - start;
                Accept(room[start..end], start);
                start = from = end + 1;
            }

            scanned = from;
            return start;
        }

        /// <summary>
        /// Drops the bytes of the line being skipped from the start of <paramref name="read"/> (counting them), up to
        /// and with its newline, and moves what follows to the start. Returns how many read bytes are left.
        /// </summary>
        private int DropSkipped(Span<byte> read)
        {
            int newline = IndexOfNewline(read);
            if (newline < 0)
            {
                _unreportedBytes += read.Length;
                return 0; // all of it belonged to the dropped line: the room is read into again
            }

            _unreportedBytes += newline + 1;
            EndSkip();
            Span<byte> rest = read[(newline + 1)..];
            rest.CopyTo(read);
            return rest.Length;
        }

        /// <summary>
        /// Sends the batch on (or drops it when empty) and moves the <paramref name="filled"/> unframed bytes to a new
        /// one; <paramref name="oneLine"/> when they are the start of a single line, which may need more room.
        /// </summary>
        private async ValueTask RotateAsync(int filled, bool oneLine, Func<EventBatch, ValueTask> emit)
        {
            EventBatch? done = _current;
            EventBatch next = NewBatch(filled, oneLine);
            done!.FreeMemory.Span[..filled].CopyTo(next.FreeMemory.Span);
            _current = next;
            if (EventBatch.TakeIfAny(ref done) is { } full)
            {
                await emit(full).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// A batch with room for <paramref name="carried"/> bytes moved from the last one and a read after them. A
        /// line that outgrows batches (<paramref name="oneLine"/>) doubles the room each time, so it is moved a few
        /// times, not once per read; lines carried because the last batch was full of events do not.
        /// </summary>
        private EventBatch NewBatch(int carried, bool oneLine = false)
        {
            long room = Math.Max(options.BatchBytes, (long)carried + MinReadBytes);
            if (oneLine && carried > options.BatchBytes / 2)
            {
                room = Math.Max(room, Math.Min(2L * carried, (long)_maxHeldBytes + MinReadBytes));
            }

            return EventBatch.Create(file, _sequence++, (int)room, options.BatchEvents);
        }

        /// <summary>Numbers and counts one line (its bytes at <paramref name="offset"/> in the free room) and adds it to the batch, unless blank or too long.</summary>
        private void Accept(ReadOnlySpan<byte> line, int offset)
        {
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            // A line of events starts with '{' at once; only then is the full check for white space needed.
            bool blank = line.IsEmpty || (line[0] is (byte)' ' or (byte)'\t' or (byte)'\r' && !line.ContainsAnyExcept((byte)' ', (byte)'\t', (byte)'\r'));
            _lineNumber++;
            if (blank)
            {
                _unreportedBlank++;
                return;
            }

            Lines++;
            _unreportedLines++;
            if (line.Length > options.MaxLineBytes)
            {
                RejectTooLong(line);
                return;
            }

            _current!.AddInPlace(offset, line.Length, _lineNumber);
        }

        // Out of line, so the message's formatting state is not set up for every line.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void RejectTooLong(ReadOnlySpan<byte> line)
            => rejects.Add(file, _lineNumber, RejectReasons.TooLong, $"{line.Length} bytes, more than the bound of {options.MaxLineBytes}", line[..Math.Min(line.Length, SampleBytes)]);

        /// <summary>Starts dropping a line that outgrew the bound, from its first <paramref name="head"/> bytes (counted here).</summary>
        private void BeginSkip(ReadOnlySpan<byte> head)
        {
            _skipping = true;
            _lineNumber++;
            _skipLine = _lineNumber;
            _unreportedBytes += head.Length;
            _sample ??= ArrayPool<byte>.Shared.Rent(SampleBytes);
            _sampleLength = Math.Min(head.Length, SampleBytes);
            head[.._sampleLength].CopyTo(_sample);
        }

        private void EndSkip()
        {
            _skipping = false;
            Lines++;
            _unreportedLines++;
            rejects.Add(file, _skipLine, RejectReasons.TooLong, $"longer than the bound of {options.MaxLineBytes} bytes", _sample.AsSpan(0, _sampleLength));
        }

        public void Dispose()
        {
            _current?.Dispose();
            _current = null;
            if (_sample is not null)
            {
                ArrayPool<byte>.Shared.Return(_sample);
                _sample = null;
            }
        }
    }
}
