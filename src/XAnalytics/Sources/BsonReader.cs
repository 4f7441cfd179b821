using System.Buffers.Binary;
using System.IO.Hashing;
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
/// <para>A part whose folder's manifest lists its chunks (<see cref="SourceFile.ManifestChunks"/>: whole documents,
/// about 1 MiB each, with their XXH3) is read one chunk at a time, each read being exactly that chunk's bytes. When
/// the chunk's XXH3 matches and its documents' length prefixes end exactly at its end, its documents are indexed on
/// trust (<see cref="BsonNavigator.TryIndexTrusted"/>: top-level elements only) instead of checked one by one: the
/// bytes are what this tool wrote. Anything else (a mismatch, a document crossing the chunk's end, a short read, a
/// chunk too long to take in one read, a document the index on trust turns down) leaves that chunk's documents to
/// the full check, with the same rejects and messages as without chunks; the whole part's hash is still compared
/// at its end. On by default; <c>XANALYTICS_BSON_TRUST=0</c> switches it off (then chunks are ignored). A manifest
/// forged to match damaged bytes cannot make the reader read outside the part or fail the run (the index on trust
/// stays inside each document; a value that does not convert is a reject or reads as absent), but its documents
/// are then not exactly what the full check would have let in.</para>
/// </remarks>
internal static class BsonReader
{
    /// <summary>Below this much free room a batch is sent on rather than read into again.</summary>
    private const int MinReadBytes = 32 * 1024;

    /// <summary>
    /// Whether chunks listed in a manifest are indexed on their hash: on unless <c>XANALYTICS_BSON_TRUST=0</c>.
    /// </summary>
    private static readonly bool s_trustFromEnvironment = TrustFrom(Environment.GetEnvironmentVariable("XANALYTICS_BSON_TRUST"));

    /// <summary>Whether <c>XANALYTICS_BSON_TRUST</c> set to <paramref name="value"/> (null: unset) leaves trust on.</summary>
    internal static bool TrustFrom(string? value) => value != "0";

    /// <summary>Tests set the trust (on or off) for the runs of their own flow.</summary>
    internal static readonly AsyncLocal<bool?> s_override = new();

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

            // Chunks hash the part's stored bytes: only a part read as it is stored (not gzip) can use them.
            state.UseChunks(!gzip && file.ManifestHash is not null && (s_override.Value ?? s_trustFromEnvironment) ? file.ManifestChunks : null);
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

        /// <summary>The part's chunks (length, XXH3) when they are used (else null), and the next one not read yet.</summary>
        private (long Bytes, ulong Xxh3)[]? _chunks;
        private int _nextChunk;

        /// <summary>Where the next chunk starts, and how many bytes were read from the stream so far.</summary>
        private long _chunkStart;
        private long _readBytes;

        /// <summary>
        /// Bytes from the framing position on that a chunk's matching hash vouches for, split exactly into documents:
        /// the documents inside them are indexed on trust.
        /// </summary>
        private int _trusted;

        /// <summary>Documents framed so far (each one a line of the run).</summary>
        public long Documents { get; private set; }

        public long TakeToReport(out long bytes)
        {
            long documents = _unreportedDocuments;
            bytes = _unreportedBytes;
            _unreportedDocuments = _unreportedBytes = 0;
            return documents;
        }

        /// <summary>Reads the part chunk by chunk, indexing on trust the chunks whose hash matches (null: not).</summary>
        public void UseChunks((long Bytes, ulong Xxh3)[]? chunks) => _chunks = chunks is { Length: > 0 } ? chunks : null;

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
                long chunk = filled == 0 && _skip == 0 ? NextChunkHere() : 0;
                if (_current.IsFull || free.Length - filled < Math.Max(MinReadBytes, chunk))
                {
                    // Full, or too little room left to read into: the batch goes on, and the bytes not framed yet
                    // move to the next one, made big enough for them, for the document they start (or the chunk
                    // that starts here), and for a read.
                    int need = filled >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(free.Span) : (int)chunk;
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

                if (chunk > 0)
                {
                    // A chunk starts here, and the framing ended where the one before it did: read exactly it.
                    int length = (int)chunk;
                    ulong expected = _chunks![_nextChunk++].Xxh3;
                    _chunkStart += length;
                    Memory<byte> room = free[..length];
                    int got = await stream.ReadAtLeastAsync(room, length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                    _readBytes += got;
                    if (got == length && XxHash3.HashToUInt64(room.Span) == expected && Tiles(room.Span))
                    {
                        _trusted = length;
                    }

                    // A short read is framed as any read is: the file ends inside a document, or after the last one.
                    filled = got;
                    if (got == 0)
                    {
                        return End(filled);
                    }

                    continue;
                }

                // While chunks are used, a read stops at the next chunk's start, so that the framing can meet it there.
                Memory<byte> into = free[filled..];
                if (_chunks is not null)
                {
                    // A chunk starting here is read as any file's bytes are (the framing is not at its start).
                    while (_nextChunk < _chunks.Length && _chunkStart <= _readBytes)
                    {
                        _chunkStart += _chunks[_nextChunk++].Bytes;
                    }

                    if (_chunkStart > _readBytes)
                    {
                        into = into[..(int)Math.Min(into.Length, _chunkStart - _readBytes)];
                    }
                }

                int n = await stream.ReadAsync(into, cancellationToken).ConfigureAwait(false);
                _readBytes += n;
                if (n == 0)
                {
                    return End(filled);
                }

                filled += n;
            }
        }

        /// <summary>The file has ended: a fault when it ended inside a document.</summary>
        private string? End(int filled) => filled > 0 || _skip > 0
            ? $"truncated BSON: the file ends inside document {Documents + (_skip > 0 ? 0 : 1)}"
            : null;

        /// <summary>
        /// The length of the chunk that starts where the bytes read so far end, when chunks are used and one starts
        /// there and is short enough to read whole into a batch; else 0. (Reads never pass the next chunk's start,
        /// so the bytes read end at or before it.)
        /// </summary>
        private long NextChunkHere()
        {
            if (_chunks is null || _nextChunk >= _chunks.Length || _chunkStart != _readBytes)
            {
                return 0;
            }

            long length = _chunks[_nextChunk].Bytes;
            if (length > options.MaxLineBytes)
            {
                // Too long to take in one read (a manifest not written by this tool): read and checked as any file.
                _chunkStart += length;
                _nextChunk++;
                return 0;
            }

            return length;
        }

        /// <summary>Whether the documents' length prefixes split <paramref name="chunk"/> exactly, each one of a length the reader keeps.</summary>
        private bool Tiles(ReadOnlySpan<byte> chunk)
        {
            int at = 0;
            while (at < chunk.Length)
            {
                if (chunk.Length - at < 5)
                {
                    return false;
                }

                int length = BinaryPrimitives.ReadInt32LittleEndian(chunk[at..]);
                if (length < 5 || length > options.MaxLineBytes || length > chunk.Length - at)
                {
                    return false;
                }

                at += length;
            }

            return true;
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
                if (_trusted > 0)
                {
                    // Inside a chunk whose hash matched (and whose documents tile it): the top level indexed on trust.
                    _trusted -= length;
                    if (_trusted >= 0 && BsonNavigator.TryIndexTrusted(document, out ReadOnlySpan<TopField> trustedTop))
                    {
                        _current.MarkIndexedOnTrust();
                        _current.AddInPlace(at, length, Documents, trustedTop);
                        at += length;
                        continue;
                    }

                    // Not a document this tool writes, though the hash says so: the full check decides, for the
                    // rest of the chunk too.
                    _trusted = 0;
                }

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
