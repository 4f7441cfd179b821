using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using XAnalytics.Formats;
using XAnalytics.Formats.Bson;
using XAnalytics.Formats.Json;
using XAnalytics.Internal;
using XAnalytics.Pipeline;

namespace XAnalytics.Events;

/// <summary>
/// The message that flows between the blocks of a run: up to a few thousand events of one file, as their
/// UTF-8 JSON lines in one pooled buffer, with an index of each event's top-level fields once parsed.
/// </summary>
/// <remarks>
/// <para>Ownership: a batch has one owner at a time. Posting it to the next block hands it over; the block
/// that ends its journey (a sink, or a stage that drops it) calls <see cref="Dispose"/>, which returns its
/// buffers to <see cref="ArrayPool{T}.Shared"/>. A batch dropped by a cancelled run is simply collected.</para>
/// <para>Reading a field does not build the event: <see cref="TryGetField"/> finds a top-level key in the
/// index and, for a nested path, scans only that value's bytes.</para>
/// <para>A batch read from BSON holds the checked BSON documents until something asks for JSON
/// (<see cref="GetUtf8"/>, a rewrite, the field index): then the whole batch is converted once, on the thread that
/// asked. Until then <see cref="TryGetField"/> reads fields from the BSON and writes only the values it returns as
/// JSON, so counting or filtering a BSON copy never builds JSON it does not need.</para>
/// </remarks>
public sealed class EventBatch : IDisposable
{
    /// <summary>Bytes a batch collects before it is sent on (a line longer than this gets a batch of its own).</summary>
    internal const int DefaultDataBytes = 1 << 20;

    /// <summary>Events a batch holds at most.</summary>
    internal const int DefaultMaxEvents = 4096;

    /// <summary>The field index of a nested object being searched (<see cref="TryGetNested"/>), one per thread.</summary>
    [ThreadStatic]
    private static TopField[]? s_nestedFields;

    [ThreadStatic]
    private static TopField[]? s_setScratch;

    [ThreadStatic]
    private static PooledBufferWriter? s_bsonScratch;

    [ThreadStatic]
    private static TopFieldList? s_bsonFields;

    private byte[] _data;
    private int _dataLength;
    private Entry[] _entries;
    private int _count;
    private TopField[] _fields;
    private int _fieldCount;
    private bool _bson;
    private ValueArena? _values;

    private EventBatch(SourceFile source, long sequence, int dataBytes, int maxEvents)
    {
        Source = source;
        Sequence = sequence;
        _data = ArrayPool<byte>.Shared.Rent(dataBytes);
        _entries = ArrayPool<Entry>.Shared.Rent(maxEvents);
        _fields = [];
    }

    /// <summary>The file the events were read from.</summary>
    public SourceFile Source { get; }

    /// <summary>The batch's number within its file, from 0: with <see cref="SourceFile.Index"/>, its place in input order.</summary>
    public long Sequence { get; }

    /// <summary>Number of events (or, before parsing, lines) in the batch.</summary>
    public int Count => _count;

    /// <summary>True once the parse stage has validated the lines and indexed their fields.</summary>
    public bool IsParsed { get; internal set; }

    /// <summary>Total UTF-8 bytes of the batch's events.</summary>
    public long Utf8Bytes
    {
        get
        {
            EnsureJson();
            long total = 0;
            for (int i = 0; i < _count; i++)
            {
                total += _entries[i].Length;
            }

            return total;
        }
    }

    /// <summary>The event's JSON line, as UTF-8 without the newline.</summary>
    public ReadOnlySpan<byte> GetUtf8(int index)
    {
        EnsureJson();
        return _data.AsSpan(Get(index).Offset, _entries[index].Length);
    }

    /// <summary>The 1-based line number of the event in its file.</summary>
    public long GetLineNumber(int index) => Get(index).Line;

    /// <summary>
    /// Finds a field. False when the event has no such field, or when the path goes through a value that is not
    /// an object. The batch must be parsed.
    /// </summary>
    public bool TryGetField(int index, FieldPath path, out FieldValue value)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!IsParsed)
        {
            throw new InvalidOperationException("The batch has not been through the parse stage.");
        }

        ref readonly Entry entry = ref Get(index);
        byte[][] segments = path.Utf8Segments;
        if (_bson)
        {
            return TryGetBsonField(entry, segments, out value);
        }

        ReadOnlySpan<byte> json = _data.AsSpan(entry.Offset, entry.Length);
        ReadOnlySpan<TopField> fields = _fields.AsSpan(entry.FieldStart, entry.FieldCount);
        int f = FindTopField(json, fields, segments[0]);
        if (f >= 0)
        {
            ref readonly TopField field = ref fields[f];
            ReadOnlySpan<byte> raw = json.Slice(field.ValueOffset, field.ValueLength);
            if (segments.Length == 1)
            {
                value = new FieldValue(raw, field.Kind, field.ValueEscaped);
                return true;
            }

            if (field.Kind == JsonTokenType.StartObject)
            {
                return TryGetNested(raw, segments, out value);
            }
        }

        value = default;
        return false;
    }

    /// <summary>
    /// The index of the top-level field named <paramref name="key"/> in an event's index (its JSON, or its BSON whose
    /// names are never escaped), or -1. Searched from the end: with a repeated key the last one wins, as in most JSON
    /// readers.
    /// </summary>
    internal static int FindTopField(ReadOnlySpan<byte> data, ReadOnlySpan<TopField> fields, ReadOnlySpan<byte> key)
    {
        for (int f = fields.Length - 1; f >= 0; f--)
        {
            ref readonly TopField field = ref fields[f];
            if (field.KeyEscaped
                ? EscapedKeyEquals(data, field, key)
                : field.KeyLength == key.Length && data.Slice(field.KeyOffset, field.KeyLength).SequenceEqual(key))
            {
                return f;
            }
        }

        return -1;
    }

    /// <summary>
    /// Keeps, in order, the events <paramref name="keep"/> accepts (given the batch, the event's index and
    /// <paramref name="state"/>) and drops the rest. Returns how many stay.
    /// </summary>
    internal int RetainWhere<TState>(TState state, Func<EventBatch, int, TState, bool> keep)
    {
        int count = _count;
        bool[] flags = ArrayPool<bool>.Shared.Rent(count);
        try
        {
            int kept = 0;
            for (int i = 0; i < count; i++)
            {
                flags[i] = keep(this, i, state);
                kept += flags[i] ? 1 : 0;
            }

            if (kept < count)
            {
                Retain(flags.AsSpan(0, count));
            }

            return kept;
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(flags);
        }
    }

    /// <summary>
    /// Keeps the events whose flag is true, in order, and drops the rest. Returns how many were dropped.
    /// </summary>
    public int Retain(ReadOnlySpan<bool> keep)
    {
        if (keep.Length != _count)
        {
            throw new ArgumentException($"Expected {_count} flags, got {keep.Length}.", nameof(keep));
        }

        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            if (keep[i])
            {
                _entries[kept++] = _entries[i];
            }
        }

        int dropped = _count - kept;
        _count = kept;
        return dropped;
    }

    /// <summary>
    /// Replaces event <paramref name="index"/> with new JSON (a stage that changes events writes it with
    /// <see cref="Utf8JsonWriter"/>) and indexes it. The old bytes stay unused in the batch's buffer until it is
    /// returned to the pool.
    /// </summary>
    /// <exception cref="ArgumentException">The JSON is not a single valid object.</exception>
    public void SetUtf8(int index, ReadOnlySpan<byte> json)
    {
        _ = Get(index);
        EnsureJson();
        TopField[] scratch = s_setScratch ??= new TopField[64];
        if (EventIndexer.TryIndex(json, ref scratch, out int fieldCount, out string detail) is { } reason)
        {
            throw new ArgumentException($"Not a valid event ({reason}: {detail}).", nameof(json));
        }

        s_setScratch = scratch;
        Store(index, json, scratch.AsSpan(0, fieldCount));
    }

    /// <summary>
    /// When set, every layout handed to <see cref="SetUtf8Indexed"/> is checked against a real parse. The test
    /// assembly sets it (in every build configuration), so the tests hold every writer to its layout.
    /// </summary>
    internal static bool VerifyWrittenLayouts { get; set; }

    /// <summary>
    /// Replaces event <paramref name="index"/> with JSON whose top-level layout the writer already knows (a stage's
    /// <see cref="Formats.Json.Utf8JsonBuilder"/>, which splices validated tokens): no second parse.
    /// </summary>
    internal void SetUtf8Indexed(int index, ReadOnlySpan<byte> json, ReadOnlySpan<TopField> fields)
    {
        _ = Get(index);
        EnsureJson();
        if (VerifyWrittenLayouts)
        {
            Verify(json, fields);
        }

        Store(index, json, fields);
    }

    /// <summary>Appends the event's new bytes to the buffer and points the entry and its fields at them.</summary>
    private void Store(int index, ReadOnlySpan<byte> json, ReadOnlySpan<TopField> fields)
    {
        ref Entry entry = ref _entries[index];
        if (json.Length <= _data.Length - _dataLength)
        {
            json.CopyTo(_data.AsSpan(_dataLength));
            entry.Offset = _dataLength;
        }
        else
        {
            // Full: move only the live events to a new buffer (each stage that rewrites events leaves the old bytes
            // dead behind it), with room for as much again. The field index is relative to each event: it stays.
            long live = json.Length;
            for (int k = 0; k < _count; k++)
            {
                live += k == index ? 0 : _entries[k].Length;
            }

            byte[] next = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max(_data.Length, 2 * live)));
            int at = 0;
            for (int k = 0; k < _count; k++)
            {
                if (k != index)
                {
                    ref Entry e = ref _entries[k];
                    _data.AsSpan(e.Offset, e.Length).CopyTo(next.AsSpan(at));
                    e.Offset = at;
                    at += e.Length;
                }
            }

            // The new bytes go in before the old buffer goes back to the pool: they may be a span of it.
            json.CopyTo(next.AsSpan(at));
            entry.Offset = at;
            _dataLength = at;
            ArrayPool<byte>.Shared.Return(_data);
            _data = next;
        }

        entry.Length = json.Length;
        _dataLength += json.Length;
        SetFields(index, fields);
    }

    private static void Verify(ReadOnlySpan<byte> json, ReadOnlySpan<TopField> fields)
    {
        TopField[] check = new TopField[Math.Max(4, fields.Length)];
        if (EventIndexer.TryIndex(json, ref check, out int checkCount, out string detail) is { } reason)
        {
            throw new InvalidOperationException($"A stage wrote an invalid event ({reason}: {detail}).");
        }

        if (checkCount != fields.Length || !check.AsSpan(0, checkCount).SequenceEqual(fields))
        {
            throw new InvalidOperationException("A stage's writer reported a field layout that differs from its output.");
        }
    }

    /// <summary>
    /// Builds event <paramref name="index"/> as a mutable DOM, for stages whose changes are easier to express
    /// that way. Allocates: hot paths should rewrite bytes with <see cref="Utf8JsonWriter"/> instead.
    /// </summary>
    public System.Text.Json.Nodes.JsonObject ToJsonObject(int index)
        => System.Text.Json.Nodes.JsonNode.Parse(GetUtf8(index))!.AsObject();

    /// <summary>Returns the batch's buffers to the pool. The batch must not be used afterwards.</summary>
    public void Dispose()
    {
        byte[] data = _data;
        Entry[] entries = _entries;
        TopField[] fields = _fields;
        _data = [];
        _entries = [];
        _fields = [];
        _count = 0;
        ReleaseFieldValues();
        if (data.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(data);
        }

        if (entries.Length > 0)
        {
            ArrayPool<Entry>.Shared.Return(entries);
        }

        if (fields.Length > 0)
        {
            ArrayPool<TopField>.Shared.Return(fields);
        }
    }

    /// <summary>
    /// Takes a reader's batch out of <paramref name="slot"/> (leaving null), when the reader moves on from it or ends:
    /// the batch when it holds events, for the caller to send on, else null after disposing it.
    /// </summary>
    internal static EventBatch? TakeIfAny(ref EventBatch? slot)
    {
        EventBatch? batch = slot;
        slot = null;
        if (batch is { Count: 0 })
        {
            batch.Dispose();
            return null;
        }

        return batch;
    }

    internal static EventBatch Create(SourceFile source, long sequence, int dataBytes = DefaultDataBytes, int maxEvents = DefaultMaxEvents)
        => new(source, sequence, dataBytes, maxEvents);

    /// <summary>
    /// A batch whose lines are BSON documents that passed <see cref="BsonNavigator.TryValidate(ReadOnlySpan{byte}, out string)"/> (the BSON reader
    /// makes them). It counts as parsed: fields are read from the BSON, and the JSON is written when first needed.
    /// </summary>
    internal static EventBatch CreateBson(SourceFile source, long sequence, int dataBytes = DefaultDataBytes, int maxEvents = DefaultMaxEvents)
    {
        var batch = new EventBatch(source, sequence, dataBytes, maxEvents) { _bson = true };
        batch.BeginIndex(maxEvents * 16);
        return batch;
    }

    /// <summary>
    /// Adds a BSON document that passed <see cref="BsonNavigator.TryValidate(ReadOnlySpan{byte}, out string, out ReadOnlySpan{TopField})"/>,
    /// with the top-level elements the check found (a field read then looks up its name there instead of walking the
    /// document). False when it does not fit, as <see cref="TryAppend(ReadOnlySpan{byte}, long)"/>.
    /// </summary>
    internal bool TryAppendBson(ReadOnlySpan<byte> document, long lineNumber, ReadOnlySpan<TopField> topLevel)
    {
        if (!TryReserve(document.Length, lineNumber, out Span<byte> target))
        {
            return false;
        }

        document.CopyTo(target);
        SetFields(_count - 1, topLevel);
        return true;
    }

    /// <summary>
    /// Gives back the room of the field values read from BSON so far (benchmarks that read one batch many times).
    /// Every <see cref="FieldValue"/> handed out before is invalid afterwards.
    /// </summary>
    internal void ReleaseFieldValues()
    {
        _values?.Dispose();
        _values = null;
    }

    /// <summary>True while the batch still holds BSON documents (see <see cref="CreateBson"/>).</summary>
    internal bool HoldsBson => _bson;

    /// <summary>
    /// Converts a BSON batch to JSON lines with their field index (nothing to do for a JSON batch). Every accessor
    /// that hands out JSON calls it; the parse block calls it ahead of stages and sinks, so the conversion runs on
    /// all threads even when the sink is ordered.
    /// </summary>
    internal void EnsureJson()
    {
        if (_bson)
        {
            ConvertToJson();
        }
    }

    /// <summary>The thread's buffer for JSON written from BSON (a batch's worth, or one field value).</summary>
    private static PooledBufferWriter BsonScratch => s_bsonScratch ??= new PooledBufferWriter(DefaultDataBytes + (DefaultDataBytes / 4));

    private void ConvertToJson()
    {
        PooledBufferWriter json = BsonScratch;
        TopFieldList top = s_bsonFields ??= new TopFieldList();
        json.Clear();
        BeginIndex(_count * 24);
        for (int i = 0; i < _count; i++)
        {
            ref Entry entry = ref _entries[i];
            int start = json.WrittenCount;
            if (BsonDecoder.TryAppendJson(_data.AsSpan(entry.Offset, entry.Length), json, top, out string detail) is not null)
            {
                // The reader let the document in only after the same checks the decoder makes.
                throw new InvalidOperationException($"A checked BSON document could not be converted to JSON ({detail}).");
            }

            entry.Offset = start;
            entry.Length = json.WrittenCount - start;
            SetFields(i, top.Fields);
        }

        if (json.WrittenCount > _data.Length)
        {
            ArrayPool<byte>.Shared.Return(_data);
            _data = ArrayPool<byte>.Shared.Rent(json.WrittenCount);
        }

        json.WrittenSpan.CopyTo(_data);
        _dataLength = json.WrittenCount;
        _bson = false;
    }

    /// <summary>
    /// <see cref="TryGetField"/> over a BSON document: walks to the value and writes only it as JSON, into the
    /// batch's value arena (so the span stays valid while the batch lives).
    /// </summary>
    private bool TryGetBsonField(in Entry entry, byte[][] segments, out FieldValue value)
    {
        ReadOnlySpan<byte> document = _data.AsSpan(entry.Offset, entry.Length);
        ReadOnlySpan<TopField> topLevel = _fields.AsSpan(entry.FieldStart, entry.FieldCount);
        for (int s = 0; s < segments.Length; s++)
        {
            byte type;
            int at;
            if (s == 0 ? !TryFindTopLevel(document, topLevel, segments[0], out type, out at) : !BsonNavigator.TryFind(document, segments[s], out type, out at))
            {
                break;
            }

            if (s < segments.Length - 1 && type == 0x03)
            {
                document = document.Slice(at, BinaryPrimitives.ReadInt32LittleEndian(document[at..]));
                continue;
            }

            if (type == 0x02 && s == segments.Length - 1)
            {
                // A string (most fields counted or filtered on): quoted as it is unless it needs escapes.
                ReadOnlySpan<byte> text = document.Slice(at + 4, BinaryPrimitives.ReadInt32LittleEndian(document[at..]) - 1);
                if (BsonDecoder.IsPlainJsonString(text))
                {
                    Span<byte> quoted = (_values ??= new ValueArena()).Allocate(text.Length + 2);
                    quoted[0] = (byte)'"';
                    text.CopyTo(quoted[1..]);
                    quoted[^1] = (byte)'"';
                    value = new FieldValue(quoted, JsonTokenType.String, hasEscapes: false);
                    return true;
                }
            }

            // The value asked for, or one the path goes on into that only its JSON form makes an object
            // ({"$oid": ...}, {"$date": ...}): written out, and the rest of the path read from that JSON.
            PooledBufferWriter scratch = BsonScratch;
            scratch.Clear();
            JsonTokenType kind = BsonDecoder.AppendValueJson(type, document, at, scratch, out bool escaped);
            ReadOnlySpan<byte> raw = (_values ??= new ValueArena()).Add(scratch.WrittenSpan);
            if (s == segments.Length - 1)
            {
                value = new FieldValue(raw, kind, escaped);
                return true;
            }

            if (kind == JsonTokenType.StartObject)
            {
                return TryGetNested(raw, segments.AsSpan(s), out value);
            }

            break;
        }

        value = default;
        return false;
    }

    /// <summary>
    /// Finds a top-level element of a BSON document in the elements its check recorded (<see cref="FindTopField"/>,
    /// as for JSON). Walking the document's elements instead was a sixth of a BSON count's CPU (perf).
    /// </summary>
    private static bool TryFindTopLevel(ReadOnlySpan<byte> document, ReadOnlySpan<TopField> topLevel, ReadOnlySpan<byte> name, out byte type, out int valueAt)
    {
        int k = FindTopField(document, topLevel, name);
        type = k >= 0 ? document[topLevel[k].KeyOffset - 1] : (byte)0;
        valueAt = k >= 0 ? topLevel[k].ValueOffset : -1;
        return k >= 0;
    }

    /// <summary>The size of the buffer the events' bytes live in (dead bytes of rewritten events included).</summary>
    internal int BufferBytes => _data.Length;

    /// <summary>
    /// The unused end of the buffer, for a reader that reads straight into the batch (JSON lines, BSON): it frames
    /// what it read there, adds entries for the bytes where they lie (<see cref="AddInPlace(int, int, long)"/>,
    /// <see cref="AddInPlace(int, int, long, ReadOnlySpan{TopField})"/>), then marks them used (<see cref="UseFree"/>).
    /// </summary>
    internal Memory<byte> FreeMemory => _data.AsMemory(_dataLength);

    /// <summary>
    /// Adds a checked BSON document of <paramref name="length"/> bytes that lies at <paramref name="offset"/> in
    /// <see cref="FreeMemory"/>, with its top-level elements (see <see cref="TryAppendBson"/>).
    /// </summary>
    internal void AddInPlace(int offset, int length, long lineNumber, ReadOnlySpan<TopField> topLevel)
    {
        _entries[_count++] = new Entry { Offset = _dataLength + offset, Length = length, Line = lineNumber };
        SetFields(_count - 1, topLevel);
    }

    /// <summary>
    /// Adds a line of <paramref name="length"/> bytes that lies at <paramref name="offset"/> in <see cref="FreeMemory"/>
    /// (the line reader reads straight into the batch). The batch must not be full.
    /// </summary>
    internal void AddInPlace(int offset, int length, long lineNumber)
        => _entries[_count++] = new Entry { Offset = _dataLength + offset, Length = length, Line = lineNumber };

    /// <summary>Marks the first <paramref name="count"/> bytes of <see cref="FreeMemory"/> used.</summary>
    internal void UseFree(int count) => _dataLength += count;

    /// <summary>Room left for line bytes before the batch should be sent on.</summary>
    internal int FreeBytes => _data.Length - _dataLength;

    internal bool IsFull => _count == _entries.Length;

    /// <summary>
    /// Appends a line. False when it does not fit and the batch already holds lines: send this one on and
    /// start another. An empty batch grows to take any line.
    /// </summary>
    internal bool TryAppend(ReadOnlySequence<byte> line, long lineNumber)
    {
        if (_bson)
        {
            throw new InvalidOperationException("A BSON batch takes documents with their top-level elements (TryAppendBson).");
        }

        if (!TryReserve(checked((int)line.Length), lineNumber, out Span<byte> target))
        {
            return false;
        }

        line.CopyTo(target);
        return true;
    }

    /// <inheritdoc cref="TryAppend(ReadOnlySequence{byte}, long)"/>
    internal bool TryAppend(ReadOnlySpan<byte> line, long lineNumber)
    {
        if (_bson)
        {
            throw new InvalidOperationException("A BSON batch takes documents with their top-level elements (TryAppendBson).");
        }

        if (!TryReserve(line.Length, lineNumber, out Span<byte> target))
        {
            return false;
        }

        line.CopyTo(target);
        return true;
    }

    /// <summary>Adds an entry of <paramref name="length"/> bytes and gives the room its bytes go to.</summary>
    private bool TryReserve(int length, long lineNumber, out Span<byte> target)
    {
        target = default;
        if (_count == _entries.Length || (length > _data.Length - _dataLength && _count > 0))
        {
            return false;
        }

        if (length > _data.Length - _dataLength)
        {
            ArrayPool<byte>.Shared.Return(_data);
            _data = ArrayPool<byte>.Shared.Rent(length);
            _dataLength = 0;
        }

        target = _data.AsSpan(_dataLength, length);
        _entries[_count++] = new Entry { Offset = _dataLength, Length = length, Line = lineNumber };
        _dataLength += length;
        return true;
    }

    /// <summary>Starts the field index; the parse stage then adds each event's fields in order.</summary>
    internal void BeginIndex(int expectedFields)
    {
        if (_fields.Length < expectedFields)
        {
            if (_fields.Length > 0)
            {
                ArrayPool<TopField>.Shared.Return(_fields);
            }

            _fields = ArrayPool<TopField>.Shared.Rent(expectedFields);
        }

        _fieldCount = 0;
    }

    internal void SetFields(int index, ReadOnlySpan<TopField> fields)
    {
        if (_fieldCount + fields.Length > _fields.Length)
        {
            TopField[] bigger = ArrayPool<TopField>.Shared.Rent(Math.Max(_fields.Length * 2, _fieldCount + fields.Length));
            _fields.AsSpan(0, _fieldCount).CopyTo(bigger);
            ArrayPool<TopField>.Shared.Return(_fields);
            _fields = bigger;
        }

        fields.CopyTo(_fields.AsSpan(_fieldCount));
        ref Entry entry = ref _entries[index];
        entry.FieldStart = _fieldCount;
        entry.FieldCount = fields.Length;
        _fieldCount += fields.Length;
    }

    /// <summary>
    /// The event's JSON and its top-level fields in document order, for a reader that wants several fields in one
    /// sweep instead of one <see cref="TryGetField"/> each (the learner reports read five).
    /// </summary>
    internal ReadOnlySpan<TopField> GetTopFields(int index, out ReadOnlySpan<byte> json)
    {
        if (!IsParsed)
        {
            throw new InvalidOperationException("The batch has not been through the parse stage.");
        }

        EnsureJson();
        ref readonly Entry entry = ref Get(index);
        json = _data.AsSpan(entry.Offset, entry.Length);
        return _fields.AsSpan(entry.FieldStart, entry.FieldCount);
    }

    private ref readonly Entry Get(int index)
    {
        if ((uint)index >= (uint)_count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The batch holds {_count} events.");
        }

        return ref _entries[index];
    }

    // Out of line: the reader it declares is a large struct, and a method holding one clears it at every call. Inlined
    // in the search over every key, that clearing was a sixth of a count's key lookups (perf).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool EscapedKeyEquals(ReadOnlySpan<byte> json, in TopField field, ReadOnlySpan<byte> key)
    {
        // Rare: a key written with escapes. Compare its unescaped text via a reader over the quoted key.
        var reader = new Utf8JsonReader(json.Slice(field.KeyOffset - 1, field.KeyLength + 2));
        reader.Read();
        return reader.ValueTextEquals(key);
    }

    /// <summary>Follows <paramref name="segments"/> (from the second) down from an object value, one <see cref="ObjectMembers"/> a level.</summary>
    private static bool TryGetNested(ReadOnlySpan<byte> objectJson, ReadOnlySpan<byte[]> segments, out FieldValue value)
    {
        ReadOnlySpan<byte> current = objectJson;
        for (int s = 1; s < segments.Length; s++)
        {
            TopField[] buffer = s_nestedFields ??= new TopField[32];
            var members = new ObjectMembers(current, ref buffer);
            s_nestedFields = buffer;
            if (!members.TryGet(segments[s], out FieldValue found))
            {
                break;
            }

            if (s == segments.Length - 1)
            {
                value = found;
                return true;
            }

            if (found.Kind != JsonTokenType.StartObject)
            {
                break;
            }

            current = found.RawJson;
        }

        value = default;
        return false;
    }

    [StructLayout(LayoutKind.Auto)]
    private struct Entry
    {
        public int Offset;
        public int Length;
        public long Line;
        public int FieldStart;
        public int FieldCount;
    }
}
