using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using XAnalytics.Events;
using XAnalytics.Internal;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;

namespace XAnalytics.Sources;

/// <summary>
/// Reads a file of BSON documents (plain or gzip) into batches like those <see cref="LineReader"/> makes: each
/// document is checked (<see cref="BsonNavigator.TryValidate"/>) and kept as BSON, numbered by its place in the
/// file (the first document is line 1). The batch reads fields from the BSON and writes JSON only when asked for
/// it (<see cref="EventBatch.EnsureJson"/>), so everything after the reader works unchanged and a count over a
/// BSON copy never writes JSON.
/// </summary>
/// <remarks>
/// Framing is by the length prefix. A document longer than <see cref="LineReaderOptions.MaxLineBytes"/> is
/// rejected as too-long and skipped by its length without being held. A length prefix that cannot be right
/// (under 5 bytes) loses the framing: the file ends there as a bad file, like a corrupt gzip, after the documents
/// before it were handed on. A file that ends inside a document is a bad file too (truncated). A document that
/// frames well but is malformed inside is one reject (<see cref="BsonRejectReasons.InvalidBson"/>).
/// </remarks>
internal static class BsonReader
{
    private const int PipeBufferSize = 128 * 1024;

    /// <summary>Same contract as <see cref="LineReader.ReadAsync"/>.</summary>
    public static async Task<FileReadOutcome> ReadAsync(
        SourceFile file,
        LineReaderOptions options,
        RunCounters counters,
        RejectLog rejects,
        Func<EventBatch, CancellationToken, ValueTask> emit,
        CancellationToken cancellationToken)
    {
        var state = new State(file, options);
        bool gzip = false;
        try
        {
            Stream stream;
            try
            {
                stream = LineReader.Open(file, counters, file.Format == SourceFormat.BsonGzip, out gzip);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new FileReadOutcome(0, $"cannot be read: {e.Message}");
            }

            PipeReader reader = PipeReader.Create(stream, new StreamPipeReaderOptions(
                bufferSize: PipeBufferSize, minimumReadSize: PipeBufferSize / 4, leaveOpen: false));
            string? fault = null;
            try
            {
                while (true)
                {
                    ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    ReadOnlySequence<byte> buffer = result.Buffer;
                    fault = state.Frame(ref buffer, rejects);
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    while (state.TakeReady() is { } ready)
                    {
                        await Emit(ready).ConfigureAwait(false);
                    }

                    if (fault is not null)
                    {
                        break;
                    }

                    if (result.IsCompleted)
                    {
                        if (!buffer.IsEmpty || state.Skipping)
                        {
                            fault = $"truncated BSON: the file ends inside document {state.Documents + (state.Skipping ? 0 : 1)}";
                        }

                        break;
                    }
                }
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                fault = e switch
                {
                    GzipFormatException g => g.Message,
                    InvalidDataException => $"corrupt gzip data: {e.Message}",
                    _ => $"read error: {e.Message}",
                };
            }
            finally
            {
                await reader.CompleteAsync().ConfigureAwait(false);
            }

            // The documents framed before a fault are good: send them on, then report the file.
            state.Flush();
            while (state.TakeReady() is { } ready)
            {
                await Emit(ready).ConfigureAwait(false);
            }

            return new FileReadOutcome(state.Documents, fault);
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
            counters.AddRead(state.TakeToReport(out long bytes), 0, bytes);
            if (!gzip)
            {
                counters.AddStoredBytes((int)Math.Min(int.MaxValue, bytes));
            }
        }
    }

    /// <summary>The framing state of one file; not thread-safe (one file is read by one task).</summary>
    private sealed class State : IDisposable
    {
        private readonly SourceFile _file;
        private readonly LineReaderOptions _options;
        private readonly Queue<EventBatch> _ready = new();
        private byte[] _scratch = [];
        private EventBatch? _current;
        private long _sequence;
        private long _skip;
        private long _unreportedDocuments;
        private long _unreportedBytes;

        public State(SourceFile file, LineReaderOptions options)
        {
            _file = file;
            _options = options;
        }

        /// <summary>Documents framed so far (each one a line of the run).</summary>
        public long Documents { get; private set; }

        /// <summary>True while the rest of a too-long document is being skipped.</summary>
        public bool Skipping => _skip > 0;

        public EventBatch? TakeReady() => _ready.Count > 0 ? _ready.Dequeue() : null;

        public long TakeToReport(out long bytes)
        {
            long documents = _unreportedDocuments;
            bytes = _unreportedBytes;
            _unreportedDocuments = _unreportedBytes = 0;
            return documents;
        }

        /// <summary>
        /// Frames the complete documents at the start of <paramref name="buffer"/>, leaving it at the first byte not
        /// consumed. Returns a fault when the framing is lost.
        /// </summary>
        public string? Frame(ref ReadOnlySequence<byte> buffer, RejectLog rejects)
        {
            while (true)
            {
                if (_skip > 0)
                {
                    long n = Math.Min(_skip, buffer.Length);
                    buffer = buffer.Slice(n);
                    _skip -= n;
                    _unreportedBytes += n;
                    if (_skip > 0)
                    {
                        return null;
                    }
                }

                if (buffer.Length < 4)
                {
                    return null;
                }

                int length = ReadLength(buffer);
                if (length < 5)
                {
                    return $"corrupt BSON: document {Documents + 1} has a length prefix of {length}; the rest of the file cannot be framed";
                }

                if (length > _options.MaxLineBytes)
                {
                    Documents++;
                    _unreportedDocuments++;
                    ReadOnlySequence<byte> head = buffer.Slice(0, Math.Min(buffer.Length, RejectLog.MaxRawBytes));
                    rejects.Add(_file, Documents, RejectReasons.TooLong, $"a document of {length} bytes, more than the bound of {_options.MaxLineBytes}", head.ToArray());
                    _skip = length;
                    continue;
                }

                if (buffer.Length < length)
                {
                    return null;
                }

                ReadOnlySequence<byte> bytes = buffer.Slice(0, length);
                ReadOnlySpan<byte> document;
                if (bytes.IsSingleSegment)
                {
                    document = bytes.FirstSpan;
                }
                else
                {
                    if (_scratch.Length < length)
                    {
                        ReturnScratch();
                        _scratch = ArrayPool<byte>.Shared.Rent(length);
                    }

                    bytes.CopyTo(_scratch);
                    document = _scratch.AsSpan(0, length);
                }

                Documents++;
                _unreportedDocuments++;
                _unreportedBytes += length;
                Accept(document, rejects);
                buffer = buffer.Slice(length);
            }
        }

        private static int ReadLength(ReadOnlySequence<byte> buffer)
        {
            if (buffer.FirstSpan.Length >= 4)
            {
                return BinaryPrimitives.ReadInt32LittleEndian(buffer.FirstSpan);
            }

            Span<byte> prefix = stackalloc byte[4];
            buffer.Slice(0, 4).CopyTo(prefix);
            return BinaryPrimitives.ReadInt32LittleEndian(prefix);
        }

        private void Accept(ReadOnlySpan<byte> document, RejectLog rejects)
        {
            if (BsonNavigator.TryValidate(document, out string detail) is { } reason)
            {
                rejects.Add(_file, Documents, reason, detail, document);
                return;
            }

            _current ??= NewBatch();
            if (!_current.TryAppend(document, Documents))
            {
                Enqueue(_current);
                _current = NewBatch();
                _current.TryAppend(document, Documents);
            }

            if (_current.IsFull)
            {
                Enqueue(_current);
                _current = null;
            }
        }

        private EventBatch NewBatch() => EventBatch.CreateBson(_file, _sequence++, _options.BatchBytes, _options.BatchEvents);

        private void Enqueue(EventBatch batch)
        {
            batch.IsParsed = true;
            _ready.Enqueue(batch);
        }

        /// <summary>Queues the batch in progress, if it holds anything.</summary>
        public void Flush()
        {
            if (_current is { Count: > 0 })
            {
                Enqueue(_current);
                _current = null;
            }
        }

        private void ReturnScratch()
        {
            if (_scratch.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_scratch);
                _scratch = [];
            }
        }

        public void Dispose()
        {
            _current?.Dispose();
            while (_ready.Count > 0)
            {
                _ready.Dequeue().Dispose();
            }

            ReturnScratch();
        }
    }
}
