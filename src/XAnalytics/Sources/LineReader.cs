using System.Buffers;
using System.IO.Pipelines;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;

namespace XAnalytics.Sources;

/// <summary>Options for reading one file into line batches.</summary>
internal sealed record LineReaderOptions(int MaxLineBytes, int BatchBytes, int BatchEvents);

/// <summary>What became of one file.</summary>
/// <param name="Lines">Non-blank lines read and handed on (or rejected as too long).</param>
/// <param name="Fault">Why the file could not be read to its end, or null.</param>
internal readonly record struct FileReadOutcome(long Lines, string? Fault);

/// <summary>
/// Reads one file (gzip or plain) and frames its bytes into line batches with System.IO.Pipelines: the
/// pipe hands out what the decompressor produced, lines are cut at <c>\n</c> with a vectorised search, and
/// each line is copied once, into the batch it travels in.
/// </summary>
/// <remarks>
/// A line longer than <see cref="LineReaderOptions.MaxLineBytes"/> is never held: once the pipe holds that
/// many bytes without a newline, they are counted, a sample is kept for the rejects file, and bytes are
/// dropped until the next newline. A last line without a newline is kept. Blank lines (only white space) are
/// counted apart and skipped.
/// </remarks>
internal static class LineReader
{
    private const int PipeBufferSize = 128 * 1024;

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
        var state = new FramingState(file, options);
        bool gzip = false;
        try
        {
            Stream stream;
            try
            {
                stream = Open(file, counters, file.Format == SourceFormat.GzipJsonLines, out gzip);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new FileReadOutcome(0, $"cannot be read: {e.Message}");
            }

            PipeReader reader = PipeReader.Create(stream, new StreamPipeReaderOptions(
                bufferSize: PipeBufferSize, minimumReadSize: PipeBufferSize / 4, leaveOpen: false));
            try
            {
                while (true)
                {
                    ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    ReadOnlySequence<byte> buffer = result.Buffer;
                    SequencePosition consumed = state.Frame(buffer, result.IsCompleted, rejects);
                    reader.AdvanceTo(consumed, buffer.End);
                    while (state.TakeReady() is { } ready)
                    {
                        await Emit(ready).ConfigureAwait(false);
                    }

                    if (result.IsCompleted)
                    {
                        break;
                    }
                }
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                // The lines framed before the fault are good: send them on, then report the file.
                state.Flush();
                while (state.TakeReady() is { } ready)
                {
                    await Emit(ready).ConfigureAwait(false);
                }

                return new FileReadOutcome(state.Lines, Describe(e));
            }
            finally
            {
                await reader.CompleteAsync().ConfigureAwait(false);
            }

            state.Flush();
            while (state.TakeReady() is { } ready)
            {
                await Emit(ready).ConfigureAwait(false);
            }

            return new FileReadOutcome(state.Lines, null);
        }
        finally
        {
            Report();
            state.Dispose();
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
    /// magic (shared by the JSON-lines and BSON readers).
    /// </summary>
    internal static Stream Open(SourceFile file, RunCounters counters, bool declaredGzip, out bool gzip)
    {
        var fs = new FileStream(file.Path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0, // reads are already 64 KiB and larger
            Options = FileOptions.SequentialScan,
        });
        gzip = declaredGzip || StartsWithGzipMagic(fs);
        return gzip ? new GzipMemberStream(fs, counters.AddStoredBytes) : fs;
    }

    private static bool StartsWithGzipMagic(FileStream fs)
    {
        Span<byte> magic = stackalloc byte[2];
        int n = fs.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        fs.Position = 0;
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    /// <summary>Why a file could not be read on, from the exception its stream threw (strict gzip, plain I/O).</summary>
    internal static string Describe(Exception e) => e switch
    {
        GzipFormatException g => g.Message,
        InvalidDataException => $"corrupt gzip data: {e.Message}",
        _ => $"read error: {e.Message}",
    };

    /// <summary>The framing state of one file; not thread-safe (one file is read by one task).</summary>
    private sealed class FramingState : IDisposable
    {
        private const int SampleBytes = RejectLog.MaxRawBytes;
        private readonly SourceFile _file;
        private readonly LineReaderOptions _options;
        private readonly Queue<EventBatch> _ready = new();
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

        public FramingState(SourceFile file, LineReaderOptions options)
        {
            _file = file;
            _options = options;
        }

        public long Lines { get; private set; }

        public EventBatch? TakeReady() => _ready.Count > 0 ? _ready.Dequeue() : null;

        public long TakeLinesToReport(out long blank, out long bytes)
        {
            long lines = _unreportedLines;
            blank = _unreportedBlank;
            bytes = _unreportedBytes;
            _unreportedLines = _unreportedBlank = _unreportedBytes = 0;
            return lines;
        }

        /// <summary>Frames the complete lines in <paramref name="buffer"/>; returns how far it consumed.</summary>
        public SequencePosition Frame(ReadOnlySequence<byte> buffer, bool isCompleted, RejectLog rejects)
        {
            var reader = new SequenceReader<byte>(buffer);
            while (true)
            {
                if (_skipping)
                {
                    long skipFrom = reader.Consumed;
                    if (!reader.TryAdvanceTo((byte)'\n'))
                    {
                        _unreportedBytes += reader.Remaining;
                        reader.AdvanceToEnd();
                        if (isCompleted)
                        {
                            EndSkip(rejects);
                        }

                        return reader.Position;
                    }

                    // The rest of the skipped line and its newline are text read too.
                    _unreportedBytes += reader.Consumed - skipFrom;
                    EndSkip(rejects);
                    continue;
                }

                // Lines within the current segment are cut from its span: a vectorised search and no sequence
                // bookkeeping. Only a line that crosses into the next segment takes the sequence path below.
                ReadOnlySpan<byte> unread = reader.UnreadSpan;
                int newline = unread.IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    _unreportedBytes += newline + 1;
                    Accept(unread[..newline], rejects);
                    reader.Advance(newline + 1);
                    continue;
                }

                SequencePosition lineStart = reader.Position;
                if (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
                {
                    _unreportedBytes += line.Length + 1;
                    Accept(line, rejects);
                    continue;
                }

                long remaining = reader.Remaining;
                if (remaining > _options.MaxLineBytes + 1L)
                {
                    // No newline within the bound: keep a sample, drop the rest until the next newline. One byte
                    // over the bound is still held, since it may be the \r of a CRLF (no part of the line): a line
                    // must not be judged by where a buffer happened to end.
                    BeginSkip(buffer.Slice(lineStart));
                    _unreportedBytes += remaining;
                    reader.AdvanceToEnd();
                    return reader.Position;
                }

                if (isCompleted && remaining > 0)
                {
                    ReadOnlySequence<byte> last = buffer.Slice(lineStart);
                    _unreportedBytes += last.Length;
                    Accept(last, rejects);
                    reader.AdvanceToEnd();
                }

                return reader.Position;
            }
        }

        /// <summary>Queues the batch in progress, if it holds anything.</summary>
        public void Flush()
        {
            if (_current is { Count: > 0 })
            {
                _ready.Enqueue(_current);
                _current = null;
            }
        }

        private void Accept(ReadOnlySequence<byte> line, RejectLog rejects)
        {
            if (line.IsSingleSegment)
            {
                Accept(line.FirstSpan, rejects);
            }
            else if (line.Length > _options.MaxLineBytes + 1L)
            {
                // Too long even without a \r: not made whole, only a sample is copied.
                long length = line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r' ? line.Length - 1 : line.Length;
                Count(length, IsBlank(line), line.Slice(0, Math.Min(line.Length, SampleBytes)).ToArray(), rejects);
            }
            else
            {
                // A line across two of the pipe's segments (one per segment at most): made whole, then read as any.
                byte[] whole = ArrayPool<byte>.Shared.Rent((int)line.Length);
                line.CopyTo(whole);
                Accept(whole.AsSpan(0, (int)line.Length), rejects);
                ArrayPool<byte>.Shared.Return(whole);
            }
        }

        private void Accept(ReadOnlySpan<byte> line, RejectLog rejects)
        {
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            // A line of events starts with '{' at once; only then is the full check for white space needed.
            bool blank = line.IsEmpty || (line[0] is (byte)' ' or (byte)'\t' or (byte)'\r' && !line.ContainsAnyExcept((byte)' ', (byte)'\t', (byte)'\r'));
            if (!Count(line.Length, blank, line[..Math.Min(line.Length, SampleBytes)], rejects))
            {
                return;
            }

            _current ??= EventBatch.Create(_file, _sequence++, _options.BatchBytes, _options.BatchEvents);
            if (!_current.TryAppend(line, _lineNumber))
            {
                _ready.Enqueue(_current);
                _current = EventBatch.Create(_file, _sequence++, _options.BatchBytes, _options.BatchEvents);
                _current.TryAppend(line, _lineNumber);
            }

            if (_current.IsFull)
            {
                _ready.Enqueue(_current);
                _current = null;
            }
        }

        private void BeginSkip(ReadOnlySequence<byte> head)
        {
            _skipping = true;
            _lineNumber++;
            _skipLine = _lineNumber;
            _sample ??= ArrayPool<byte>.Shared.Rent(SampleBytes);
            _sampleLength = (int)Math.Min(head.Length, SampleBytes);
            head.Slice(0, _sampleLength).CopyTo(_sample);
        }

        private void EndSkip(RejectLog rejects)
        {
            _skipping = false;
            Lines++;
            _unreportedLines++;
            rejects.Add(_file, _skipLine, RejectReasons.TooLong, $"longer than the bound of {_options.MaxLineBytes} bytes", _sample.AsSpan(0, _sampleLength));
        }

        /// <summary>
        /// Numbers a line (without its \r) and counts it as blank, as read and too long (a reject with
        /// <paramref name="sample"/>), or as read: true only then, when the caller should hand it on.
        /// </summary>
        private bool Count(long length, bool blank, ReadOnlySpan<byte> sample, RejectLog rejects)
        {
            _lineNumber++;
            if (blank)
            {
                _unreportedBlank++;
                return false;
            }

            Lines++;
            _unreportedLines++;
            if (length > _options.MaxLineBytes)
            {
                rejects.Add(_file, _lineNumber, RejectReasons.TooLong, $"{length} bytes, more than the bound of {_options.MaxLineBytes}", sample);
                return false;
            }

            return true;
        }

        private static bool IsBlank(ReadOnlySequence<byte> line)
        {
            foreach (ReadOnlyMemory<byte> segment in line)
            {
                if (segment.Span.ContainsAnyExcept((byte)' ', (byte)'\t', (byte)'\r'))
                {
                    return false;
                }
            }

            return true;
        }

        public void Dispose()
        {
            _current?.Dispose();
            while (_ready.Count > 0)
            {
                _ready.Dequeue().Dispose();
            }

            if (_sample is not null)
            {
                ArrayPool<byte>.Shared.Return(_sample);
                _sample = null;
            }
        }
    }
}
