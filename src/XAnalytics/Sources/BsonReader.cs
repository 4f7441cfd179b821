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
/// <para>With <c>XANALYTICS_BSON_TRUST=1</c> (off by default: see <see cref="s_trustFromEnvironment"/>), a part
/// listed in its folder's manifest with a hash, up to <see cref="MaxHeldBytes"/>, is held whole (its
/// documents framed and indexed on trust, not sent on) until its hash has been compared at its end. When it matches, the part is what this
/// tool wrote, and its documents are indexed on that (<see cref="BsonNavigator.TryIndexTrusted"/>: top-level elements
/// only, about a fifth of the full check's cost) instead of checked one by one. Anything else (a mismatch, a read
/// error, a framing fault, a document too long, a larger part) checks the held documents as an unheld file's are, so
/// rejects and the part's report are the same as without the hold.</para>
/// </remarks>
internal static class BsonReader
{
    /// <summary>Below this much free room a batch is sent on rather than read into again.</summary>
    private const int MinReadBytes = 32 * 1024;

    /// <summary>
    /// The most document bytes held while a part's hash is pending (the parts this tool writes are 20,000 events,
    /// about 18 MB); beyond it the part is checked document by document from there on, as an unlisted file is.
    /// </summary>
    internal const long MaxHeldBytes = 64L * 1024 * 1024;

    /// <summary>
    /// Whether parts are held and indexed on their hash: off unless <c>XANALYTICS_BSON_TRUST=1</c>. Measured on
    /// this project's 2-core host it does not pay: the check it saves (about 0.09 s of CPU over the 1M BSON copy) is
    /// spent again by whatever reads the documents after the hold, from memory instead of cache (README, Performance,
    /// 2026-12-04 12:30). Kept, tested, for hosts where that differs.
    /// </summary>
    private static readonly bool s_trustFromEnvironment = Environment.GetEnvironmentVariable("XANALYTICS_BSON_TRUST") == "1";

    /// <summary>Tests set the hold (on or off, and its bound) for the runs of their own flow.</summary>
    internal static readonly AsyncLocal<(bool Trust, long MaxHeldBytes)?> s_override = new();

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
                stream = LineReader.Open(file, options, counters, file.Format == SourceFormat.BsonGzip, out gzip, out ManifestHashCheckingStream? hashed);
                state.HoldUntilVerified(hashed);
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

        /// <summary>The stream that checks the part's hash, while its documents are held until it has (else null).</summary>
        private ManifestHashCheckingStream? _hashed;

        /// <summary>Batches filled while holding, not indexed and not sent on yet (this reader owns them).</summary>
        private readonly List<EventBatch> _held = [];
        private long _heldBytes;
        private long _maxHeldBytes = MaxHeldBytes;
        private bool _holding;
        private bool _stopHolding;

        /// <summary>Documents framed so far (each one a line of the run).</summary>
        public long Documents { get; private set; }

        public long TakeToReport(out long bytes)
        {
            long documents = _unreportedDocuments;
            bytes = _unreportedBytes;
            _unreportedDocuments = _unreportedBytes = 0;
            return documents;
        }

        /// <summary>
        /// Holds the documents until the end of the part when <paramref name="hashed"/> checks its hash and the part
        /// is no larger than <see cref="MaxHeldBytes"/>.
        /// </summary>
        public void HoldUntilVerified(ManifestHashCheckingStream? hashed)
        {
            (bool trust, _maxHeldBytes) = s_override.Value ?? (s_trustFromEnvironment, MaxHeldBytes);
            _hashed = hashed;
            _holding = trust && hashed is not null && file.Length <= _maxHeldBytes;
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
            try
            {
                return await ReadFramedAsync(stream, emit, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                // A hash that does not match, or a read error: the documents held so far are checked and sent on, as
                // they would have been without the hold, before the file is reported bad.
                await ReleaseHeldAsync(trusted: false, emit).ConfigureAwait(false);
                throw;
            }
        }

        private async Task<string?> ReadFramedAsync(Stream stream, Func<EventBatch, ValueTask> emit, CancellationToken cancellationToken)
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
                        await ReleaseHeldAsync(trusted: false, emit).ConfigureAwait(false);
                        return fault;
                    }

                    if (_stopHolding)
                    {
                        // A document too long to keep, or one the index on trust turned down: checked from here on,
                        // with the held ones, so every reject keeps its place in order.
                        _stopHolding = false;
                        await ReleaseHeldAsync(trusted: false, emit).ConfigureAwait(false);
                        continue;
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
                        if (!_holding)
                        {
                            await emit(full).ConfigureAwait(false);
                        }
                        else
                        {
                            _held.Add(full);
                            if (_heldBytes > _maxHeldBytes)
                            {
                                await ReleaseHeldAsync(trusted: false, emit).ConfigureAwait(false);
                            }
                        }
                    }

                    continue;
                }

                int n = await stream.ReadAsync(free[filled..], cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    string? end = filled > 0 || _skip > 0
                        ? $"truncated BSON: the file ends inside document {Documents + (_skip > 0 ? 0 : 1)}"
                        : null;

                    // The stream has now compared the part's hash (a mismatch throws): only a match vouches for it.
                    await ReleaseHeldAsync(trusted: end is null && _hashed is { Verified: true }, emit).ConfigureAwait(false);
                    return end;
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
                    if (_holding)
                    {
                        _stopHolding = true;
                        return at;
                    }

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
                ReadOnlySpan<TopField> topLevel = default;
                if (_holding && !BsonNavigator.TryIndexTrusted(document, out topLevel))
                {
                    // Not a document this tool writes: the full check decides, from here on, in order.
                    _stopHolding = true;
                    return at;
                }

                Documents++;
                _unreportedDocuments++;
                _unreportedBytes += length;
                if (_holding)
                {
                    // Indexed now, while its bytes are in cache; sent on once the part's hash has been compared, and
                    // checked then instead if it did not match (ReleaseHeldAsync).
                    _current.AddInPlace(at, length, Documents, topLevel);
                    _heldBytes += length;
                }
                else if (BsonNavigator.TryValidate(document, out string detail, out topLevel) is { } reason)
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

        /// <summary>
        /// Ends the hold: indexes the held batches and the one in progress (on the part's hash when
        /// <paramref name="trusted"/>, else checking each document, with its reject) and sends the held ones on.
        /// </summary>
        private async ValueTask ReleaseHeldAsync(bool trusted, Func<EventBatch, ValueTask> emit)
        {
            if (!_holding)
            {
                return;
            }

            _holding = false;
            for (int i = 0; i < _held.Count; i++)
            {
                EventBatch batch = _held[i];
                _held[i] = null!;
                Settle(batch, trusted);
                EventBatch? slot = batch;
                if (EventBatch.TakeIfAny(ref slot) is { } kept)
                {
                    await emit(kept).ConfigureAwait(false);
                }
            }

            _held.Clear();
            if (_current is not null)
            {
                Settle(_current, trusted);
            }
        }

        /// <summary>
        /// Settles a held batch, whose documents were indexed on trust: kept so when the part's hash matched, else
        /// indexed again by the full check, dropping (and rejecting) the documents it turns down.
        /// </summary>
        private void Settle(EventBatch batch, bool trusted)
        {
            int count = batch.Count;
            if (count == 0)
            {
                return;
            }

            if (trusted)
            {
                batch.MarkIndexedOnTrust();
                return;
            }

            batch.BeginIndex(count * 16);
            bool[]? keep = null;
            try
            {
                for (int i = 0; i < count; i++)
                {
                    ReadOnlySpan<byte> document = batch.GetBson(i);
                    if (BsonNavigator.TryValidate(document, out string detail, out ReadOnlySpan<TopField> topLevel) is { } reason)
                    {
                        rejects.Add(file, batch.GetLineNumber(i), reason, detail, document);
                        if (keep is null)
                        {
                            keep = System.Buffers.ArrayPool<bool>.Shared.Rent(count);
                            keep.AsSpan(0, count).Fill(true);
                        }

                        keep[i] = false;
                        continue;
                    }

                    batch.SetFields(i, topLevel);
                }

                if (keep is not null)
                {
                    batch.Retain(keep.AsSpan(0, count));
                }
            }
            finally
            {
                if (keep is not null)
                {
                    System.Buffers.ArrayPool<bool>.Shared.Return(keep);
                }
            }
        }

        public void Dispose()
        {
            _current?.Dispose();
            foreach (EventBatch? batch in _held)
            {
                batch?.Dispose();
            }
        }
    }
}
