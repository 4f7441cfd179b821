using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Formats.Json;

namespace XAnalytics.Reports;

/// <summary>
/// An event's <c>event</c> object, opened once for all the members a section reads: edX's <c>get_event_data</c>,
/// which takes the object, or decodes a browser event's JSON string into one (an empty string is an empty object).
/// Reading members through <see cref="EventBatch.TryGetField"/> decodes the string again for each member; the video
/// section reads up to five.
/// </summary>
/// <remarks>The members' values live in the batch or in the caller's buffer, valid until the next <see cref="TryOpen(EventBatch, int, ref byte[], ref TopField[], out EdxEventData)"/>.</remarks>
internal readonly ref struct EdxEventData
{
    private readonly ReadOnlySpan<byte> _json;
    private readonly ReadOnlySpan<TopField> _fields;

    /// <summary>A payload opened before: its JSON object and the index of its members (see <see cref="EventPayloads"/>).</summary>
    internal EdxEventData(ReadOnlySpan<byte> json, ReadOnlySpan<TopField> fields)
    {
        _json = json;
        _fields = fields;
    }

    /// <summary>
    /// Opens event <paramref name="i"/>'s <c>event</c>: false when it is missing, or neither an object nor a string
    /// holding a whole valid one (edX drops such an event: its <c>get_event_data</c> returns None).
    /// </summary>
    public static bool TryOpen(EventBatch batch, int i, ref byte[] buffer, ref TopField[] fields, out EdxEventData data)
        => TryOpen(batch, i, ref buffer, 0, ref fields, out data);

    /// <summary>
    /// <see cref="TryOpen(EventBatch, int, ref byte[], ref TopField[], out EdxEventData)"/>, a browser event's string
    /// decoded into <paramref name="buffer"/> from <paramref name="bufferAt"/> on (the bytes before it are kept when
    /// the buffer grows: <see cref="EventPayloads"/> pools a batch's decoded payloads there). The members are indexed
    /// into <paramref name="fields"/> from 0.
    /// </summary>
    internal static bool TryOpen(EventBatch batch, int i, ref byte[] buffer, int bufferAt, ref TopField[] fields, out EdxEventData data)
    {
        ReadOnlySpan<TopField> top = batch.GetTopFields(i, out ReadOnlySpan<byte> line);
        return TryOpen(batch, i, EventBatch.FindTopField(line, top, "event"u8), ref buffer, bufferAt, ref fields, out data);
    }

    /// <summary>
    /// <see cref="TryOpen(EventBatch, int, ref byte[], int, ref TopField[], out EdxEventData)"/> with the <c>event</c>
    /// field already found: <paramref name="eventField"/> is its place in the event's field index (as
    /// <see cref="EventFact.EventField"/> holds it), -1 when the event has none.
    /// </summary>
    internal static bool TryOpen(EventBatch batch, int i, int eventField, ref byte[] buffer, int bufferAt, ref TopField[] fields, out EdxEventData data)
    {
        data = default;
        ReadOnlySpan<TopField> top = batch.GetTopFields(i, out ReadOnlySpan<byte> line);
        int f = eventField;
        if (f < 0)
        {
            return false;
        }

        TopField field = top[f];
        ReadOnlySpan<byte> raw = line.Slice(field.ValueOffset, field.ValueLength);
        ReadOnlySpan<byte> json;
        if (field.Kind == JsonTokenType.StartObject)
        {
            // A nested object was validated with its event: indexing is enough (the indexer may be unsure: then validate).
            if (JsonStructuralIndexer.TryIndex(raw, 0, ref fields, out int indexed, out _))
            {
                data = new EdxEventData(raw, fields.AsSpan(0, indexed));
                return true;
            }

            json = raw;
        }
        else if (field.Kind == JsonTokenType.String)
        {
            var value = new FieldValue(raw, field.Kind, field.ValueEscaped);
            if (value.Utf8.IsEmpty)
            {
                data = new EdxEventData(default, default); // "" is an empty dict
                return true;
            }

            // Unescaped text is never longer than the escaped.
            if (buffer.Length - bufferAt < raw.Length)
            {
                Array.Resize(ref buffer, Math.Max(bufferAt + raw.Length, buffer.Length * 2));
            }

            Span<byte> into = buffer.AsSpan(bufferAt);
            json = into[..value.CopyTo(into)].Trim(" \t\r\n"u8);
            if (json.IsEmpty || json[0] != (byte)'{')
            {
                return false;
            }
        }
        else
        {
            return false;
        }

        if (EventIndexer.TryIndex(json, ref fields, out int count, out _) is not null)
        {
            return false;
        }

        data = new EdxEventData(json, fields.AsSpan(0, count));
        return true;
    }

    /// <summary>The payload's JSON object: in the event's line, or in the buffer it was decoded into (empty for <c>""</c>).</summary>
    internal ReadOnlySpan<byte> Json => _json;

    /// <summary>How many members were indexed (the first ones of the <c>fields</c> array it was opened with).</summary>
    internal int FieldCount => _fields.Length;

    /// <summary>The member named <paramref name="key"/> (the last of repeated ones), or false.</summary>
    public bool TryGet(ReadOnlySpan<byte> key, out FieldValue value)
    {
        int f = EventBatch.FindTopField(_json, _fields, key);
        if (f < 0)
        {
            value = default;
            return false;
        }

        TopField field = _fields[f];
        value = new FieldValue(_json.Slice(field.ValueOffset, field.ValueLength), field.Kind, field.ValueEscaped);
        return true;
    }
}
