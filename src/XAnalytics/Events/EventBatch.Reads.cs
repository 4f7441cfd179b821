using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using XAnalytics.Formats;
using XAnalytics.Formats.Json;
using XAnalytics.Internal;

namespace XAnalytics.Events;

/// <content>Reading an event's bytes and fields, and rewriting events (retain, set), with the layout checks behind them.</content>
public sealed partial class EventBatch
{
    /// <summary>The field index of a nested object being searched (<see cref="TryGetNested"/>), one per thread.</summary>
    [ThreadStatic]
    private static TopField[]? s_nestedFields;

    [ThreadStatic]
    private static TopField[]? s_setScratch;

    /// <summary>The top-level index of an object decoded from a JSON string (<see cref="TryGetInString"/>), one per thread.</summary>
    [ThreadStatic]
    private static TopField[]? s_stringFields;

    /// <summary>
    /// The unescaped text of a JSON string that holds an object (a browser event's <c>event</c>), one pair per thread:
    /// a string found inside an object decoded into one buffer is decoded into the other.
    /// </summary>
    [ThreadStatic]
    private static byte[]? s_decodedA;

    [ThreadStatic]
    private static byte[]? s_decodedB;

    /// <summary>The event's JSON line, as UTF-8 without the newline.</summary>
    public ReadOnlySpan<byte> GetUtf8(int index)
    {
        EnsureJson();
        return _data.AsSpan(Get(index).Offset, _entries[index].Length);
    }

    /// <summary>The 1-based line number of the event in its file.</summary>
    public long GetLineNumber(int index) => Get(index).Line;

    /// <summary>
    /// Finds a field. False when the event has no such field, or when the path goes through a value that is neither
    /// an object nor a string holding one. The batch must be parsed.
    /// </summary>
    /// <remarks>
    /// A browser event's <c>event</c> is a JSON object written as a string (<c>"event": "{\"id\": ...}"</c>): a path
    /// that goes on through a string reads inside the object the string holds, so <c>event.id</c> is found whether or
    /// not the event was decoded first. A string that does not hold one whole valid object (cut short, a query string)
    /// has no fields. A value found inside such a string lives in a per-thread buffer: it is valid until this thread
    /// next reads through a string, so copy or compare it before reading the next field.
    /// </remarks>
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
        if (f < 0)
        {
            value = default;
            return false;
        }

        if (segments.Length > 1 && TryGetContextMembers(index, f, out ReadOnlySpan<TopField> members))
        {
            // The context's members, as the parse recorded them (offsets in the line): one level down at once.
            int m = FindTopField(json, members, segments[1]);
            if (m < 0)
            {
                value = default;
                return false;
            }

            return FollowFrom(json, members[m], segments, 2, out value);
        }

        return FollowFrom(json, fields[f], segments, 1, out value);
    }

    /// <summary>
    /// The value of <paramref name="field"/> (an index entry of <paramref name="json"/>) when <paramref name="next"/>
    /// is past the last segment, else the rest of the path followed down from it: into an object, or into the object a
    /// JSON string holds.
    /// </summary>
    private static bool FollowFrom(ReadOnlySpan<byte> json, in TopField field, ReadOnlySpan<byte[]> segments, int next, out FieldValue value)
    {
        ReadOnlySpan<byte> raw = json.Slice(field.ValueOffset, field.ValueLength);
        if (next == segments.Length)
        {
            value = new FieldValue(raw, field.Kind, field.ValueEscaped);
            return true;
        }

        if (field.Kind == JsonTokenType.StartObject)
        {
            return TryGetNested(raw, segments, next, out value);
        }

        if (field.Kind == JsonTokenType.String)
        {
            return TryGetInString(raw, field.ValueEscaped, segments, next, out value);
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

    /// <summary>Replaces event <paramref name="index"/> with what <paramref name="output"/> wrote, with its field index where the builder kept one.</summary>
    internal void SetUtf8(int index, Utf8JsonBuilder output)
    {
        if (output.TryGetTopFields(out ReadOnlySpan<TopField> fields))
        {
            SetUtf8Indexed(index, output.Written, fields);
        }
        else
        {
            SetUtf8(index, output.Written);
        }
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

    // Out of line: the reader it declares is a large struct, and a method holding one clears it at every call. Inlined
    // in the search over every key, that clearing was a sixth of a count's key lookups (perf).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool EscapedKeyEquals(ReadOnlySpan<byte> json, in TopField field, ReadOnlySpan<byte> key)
    {
        // Rare: a key written with escapes. Compare its unescaped text via a reader over the quoted key.
        var reader = new Utf8JsonReader(json.Slice(field.KeyOffset - 1, field.KeyLength + 2));
        reader.Read();
        return Internal.JsonBytes.TextEquals(in reader, key);
    }

    /// <summary>Follows <paramref name="segments"/> (from <paramref name="from"/>) down from an object value, one <see cref="ObjectMembers"/> a level.</summary>
    private static bool TryGetNested(ReadOnlySpan<byte> objectJson, ReadOnlySpan<byte[]> segments, int from, out FieldValue value)
    {
        ReadOnlySpan<byte> current = objectJson;
        for (int s = from; s < segments.Length; s++)
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

            if (found.Kind == JsonTokenType.String)
            {
                return TryGetInString(found.RawJson, found.HasEscapes, segments, s + 1, out value);
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

    /// <summary>
    /// Follows <paramref name="segments"/> from <paramref name="from"/> into the object a JSON string holds
    /// (<paramref name="quoted"/>, with its quotes): the string is unescaped into a per-thread buffer, validated and
    /// indexed in one pass, as an event line is, then read like any object. No allocation once the buffers have grown.
    /// </summary>
    private static bool TryGetInString(ReadOnlySpan<byte> quoted, bool escaped, ReadOnlySpan<byte[]> segments, int from, out FieldValue value)
    {
        value = default;
        ReadOnlySpan<byte> text = quoted[1..^1];
        if (escaped)
        {
            // Unescaped text is never longer than the escaped. The source may itself be a decoded string: use the other buffer.
            byte[] target = s_decodedA ??= new byte[1024];
            bool useB = text.Overlaps(target);
            if (useB)
            {
                target = s_decodedB ??= new byte[1024];
            }

            if (target.Length < text.Length)
            {
                target = new byte[Math.Max(text.Length, target.Length * 2)];
                if (useB)
                {
                    s_decodedB = target;
                }
                else
                {
                    s_decodedA = target;
                }
            }

            text = target.AsSpan(0, JsonBytes.Unescape(text, target));
        }

        text = text.Trim(" \t\r\n"u8);
        if (text.IsEmpty || text[0] != (byte)'{')
        {
            return false;
        }

        TopField[] fields = s_stringFields ??= new TopField[32];
        string? reject = EventIndexer.TryIndex(text, ref fields, out int count, out _);
        s_stringFields = fields;
        if (reject is not null)
        {
            return false;
        }

        int f = FindTopField(text, fields.AsSpan(0, count), segments[from]);
        if (f < 0)
        {
            return false;
        }

        ref readonly TopField field = ref fields[f];
        ReadOnlySpan<byte> raw = text.Slice(field.ValueOffset, field.ValueLength);
        if (from == segments.Length - 1)
        {
            value = new FieldValue(raw, field.Kind, field.ValueEscaped);
            return true;
        }

        return field.Kind switch
        {
            JsonTokenType.StartObject => TryGetNested(raw, segments[from..], 1, out value),
            JsonTokenType.String => TryGetInString(raw, field.ValueEscaped, segments, from + 1, out value),
            _ => false,
        };
    }
}
