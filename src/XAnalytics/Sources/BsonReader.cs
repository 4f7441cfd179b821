using System.Buffers.Binary;
using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Formats.Bson;
using XAnalytics.Pipeline;

namespace XAnalytics.Sources;

/// <summary>
/// Reads a file of BSON documents (plain or gzip) into batches like those <see cref="LineReader"/> makes: each
/// document is checked (<see cref="BsonNavigator.TryValidate(ReadOnlySpan{byte}, out string)"/>) and kept as BSON, numbered by its place in the
/// file (the first document is line 1). The batch reads fields from the BSON and writes JSON only when asked for
/// it (<see cref="EventBatch.EnsureJson"/>), so everything after the reader works unchanged and a count over a
/// BSON copy never writes JSON.
/// </summary>
/// <remarks>
/// <para>Framing is by the length prefix. A document longer than <see cref="LineReaderOptions.MaxLineBytes"/> is
/// rejected as too-long and skipped by its length without being held. A length prefix that cannot be right
/// (under 5 bytes) loses the framing: the file ends there as a bad file, like a corrupt gzip, after the documents
/// before it were handed on. A file that ends inside a document is a bad file too (truncated). A document that
/// frames well but is malformed inside is one reject (<see cref="BsonRejectReasons.InvalidBson"/>).</para>
/// <para>The file is read straight into the free end of the batch being filled, and the documents stay where they
/// landed: no second copy. Only a document cut by the end of the batch's buffer moves, to the next batch.</para>
/// </remarks>
internal static class BsonReader
{
    /// <summary>Below this much free room a batch is sent on rather than read into again.</summary>
    private const int MinReadBytes = 32 * 1024;

    /// <summary>Same contract as <see cref="LineReader.ReadAsync"/>.</summary>
    public static async Task<FileReadOutcome> ReadAsync(
        SourceFile file,
        LineReaderOptions options,
        RunCounters counters,
        RejectLog rejects,
        Func<EventBatch, CancellationToken, ValueTask> emit,
        CancellationToken cancellationToken)
    {
        var state = new State(file, options, rejects);
        bool gzip = false;
        try
        {
            Stream stream;
            try
            {
                stream = LineReader.Open(file, options, counters, file.Format == SourceFormat.BsonGzip, out gzip);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new FileReadOutcome(0, $"cannot be read: {e.Message}");
            }

            string? fault;
            await using (stream.ConfigureAwait(false))
            {
                try
                {
                    fault = await state.ReadAllAsync(stream, Emit, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    fault = LineReader.Describe(e);
                }
            }

            // The documents framed before a fault are good: send them on, then report the file.
            if (state.TakeCurrent() is { } last)
            {
                await Emit(last).ConfigureAwait(false);
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
    private sealed class State(SourceFile file, LineReaderOptions options, RejectLog rejects) : IDisposable
    {
        private EventBatch? _current;
        private long _sequence;
        private long _skip;
        private long _unreportedDocuments;
        private long _unreportedBytes;

        /// <summary>Documents framed so far (each one a line of the run).</summary>
        public long Documents { get; private set; }

        public long TakeToReport(out long bytes)
        {
            long documents = _unreportedDocuments;
            bytes = _unreportedBytes;
            _unreportedDocuments = _unreportedBytes = 0;
            return documents;
        }

        /// <summary>The batch in progress, when it holds anything (then it is the caller's); else null.</summary>
        public EventBatch? TakeCurrent() => EventBatch.TakeIfAny(ref _current);

        /// <summary>
        /// Reads the stream to its end into batches, handing each full one to <paramref name="emit"/>. Returns a fault
        /// when the framing is lost or the file ends inside a document; the batch in progress stays for
        /// <see cref="TakeCurrent"/>.
        /// </summary>
        public async Task<string?> ReadAllAsync(Stream stream, Func<EventBatch, ValueTask> emit, CancellationToken cancellationToken)
        {
            _current = NewBatch(0);
            int filled = 0; // bytes read into the current batch's free room and not yet framed
            while (true)
            {
                if (filled > 0)
                {
                    int used = Frame(_current.FreeMemory.Span[..filled], out string? fault);
                    _current.UseFree(used);
                    filled -= used;
                    if (fault is not null)
                    {
                        return fault;
                    }
                }

                Memory<byte> free = _current.FreeMemory;
                if (_current.IsFull || free.Length - filled < MinReadBytes)
                {
                    // Full, or too little room left to read into: the batch goes on, and the bytes not framed yet
                    // move to the next one, made big enough for them, for the document they start, and for a read.
                    int need = filled >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(free.Span) : 0;
                    EventBatch next = NewBatch(Math.Max(filled, need <= options.MaxLineBytes ? need : 0));
                    free.Span[..filled].CopyTo(next.FreeMemory.Span);
                    EventBatch? done = _current;
                    _current = next;
                    if (EventBatch.TakeIfAny(ref done) is { } full)
                    {
                        await emit(full).ConfigureAwait(false);
                    }

                    continue;
                }

                int n = await stream.ReadAsync(free[filled..], cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return filled > 0 || _skip > 0
                        ? $"truncated BSON: the file ends inside document {Documents + (_skip > 0 ? 0 : 1)}"
                        : null;
                }

                filled += n;
            }
        }

        /// <summary>
        /// Frames the complete documents at the start of <paramref name="room"/> (the batch's free room), adding
        /// each good one to the batch where it lies. Returns how many bytes were consumed; what is left is the start
        /// of a document (or of its length prefix).
        /// </summary>
        private int Frame(ReadOnlySpan<byte> room, out string? fault)
        {
            fault = null;
            int at = 0;
            while (true)
            {
                if (_skip > 0)
                {
                    int n = (int)Math.Min(_skip, room.Length - at);
                    at += n;
                    _skip -= n;
                    _unreportedBytes += n;
                    if (_skip > 0)
                    {
                        return at;
                    }
                }

                if (room.Length - at < 4 || _current!.IsFull)
                {
                    return at;
                }

                int length = BinaryPrimitives.ReadInt32LittleEndian(room[at..]);
                if (length < 5)
                {
                    fault = $"corrupt BSON: document {Documents + 1} has a length prefix of {length}; the rest of the file cannot be framed";
                    return at;
                }

                if (length > options.MaxLineBytes)
                {
                    Documents++;
                    _unreportedDocuments++;
                    ReadOnlySpan<byte> head = room.Slice(at, Math.Min(room.Length - at, RejectLog.MaxRawBytes));
                    rejects.Add(file, Documents, RejectReasons.TooLong, $"a document of {length} bytes, more than the bound of {options.MaxLineBytes}", head);
                    _skip = length;
                    continue;
                }

                if (room.Length - at < length)
                {
                    return at;
                }

                ReadOnlySpan<byte> document = room.Slice(at, length);
                Documents++;
                _unreportedDocuments++;
                _unreportedBytes += length;
                if (BsonNavigator.TryValidate(document, out string detail, out ReadOnlySpan<TopField> topLevel) is { } reason)
                {
                    rejects.Add(file, Documents, reason, detail, document);
                }
                else
                {
                    _current.AddInPlace(at, length, Documents, topLevel);
                }

                at += length;
            }
        }

        private EventBatch NewBatch(int documentBytes)
        {
            int bytes = Math.Max(options.BatchBytes, documentBytes + MinReadBytes);
            EventBatch batch = EventBatch.CreateBson(file, _sequence++, bytes, options.BatchEvents);
            batch.IsParsed = true;
            return batch;
        }

        public void Dispose() => _current?.Dispose();
    }
}
