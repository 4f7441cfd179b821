using System.Buffers;
using XAnalytics.Formats;
using XAnalytics.Formats.Json;

namespace XAnalytics.Events;

/// <content>The field index: where each event's top-level fields stand, recorded by the parse stage.</content>
public sealed partial class EventBatch
{
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
        ref Entry entry = ref _entries[index];
        entry.FieldStart = Store(fields);
        entry.FieldCount = fields.Length;
        entry.ContextField = -1;
    }

    /// <summary>
    /// <see cref="SetFields(int, ReadOnlySpan{TopField})"/>, with the members of its <c>context</c> object as the parse
    /// recorded them (see <see cref="TryGetContextMembers"/>).
    /// </summary>
    internal void SetFields(int index, ReadOnlySpan<TopField> fields, in ContextIndex context)
    {
        SetFields(index, fields);
        if (context.Field >= 0)
        {
            ref Entry entry = ref _entries[index];
            entry.ContextStart = Store(context.Members.AsSpan(0, context.Count));
            entry.ContextCount = context.Count;
            entry.ContextField = context.Field;
        }
    }

    /// <summary>Appends <paramref name="fields"/> to the batch's field store; returns where they start.</summary>
    private int Store(ReadOnlySpan<TopField> fields)
    {
        if (_fieldCount + fields.Length > _fields.Length)
        {
            TopField[] bigger = ArrayPool<TopField>.Shared.Rent(Math.Max(_fields.Length * 2, _fieldCount + fields.Length));
            _fields.AsSpan(0, _fieldCount).CopyTo(bigger);
            ArrayPool<TopField>.Shared.Return(_fields);
            _fields = bigger;
        }

        int start = _fieldCount;
        fields.CopyTo(_fields.AsSpan(start));
        _fieldCount += fields.Length;
        return start;
    }

    /// <summary>
    /// The members of event <paramref name="index"/>'s <c>context</c> object (offsets in the event's line, as its
    /// top-level fields'), when the parse recorded them for the field at <paramref name="contextField"/> of its field
    /// index: pass the place where the caller found <c>context</c> (the last one, as every read takes). False when they
    /// were not recorded (the line was read by the reader, came from BSON or was rewritten): read the object then.
    /// </summary>
    internal bool TryGetContextMembers(int index, int contextField, out ReadOnlySpan<TopField> members)
    {
        ref readonly Entry entry = ref Get(index);
        if (entry.ContextField < 0 || entry.ContextField != contextField || _bson)
        {
            members = default;
            return false;
        }

        members = _fields.AsSpan(entry.ContextStart, entry.ContextCount);
        return true;
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

    /// <summary>
    /// Appends event <paramref name="index"/> of the parsed <paramref name="source"/> with its field index (field
    /// offsets are relative to the event, so they hold in the copy): a batch built so needs no second parse. This
    /// batch must have been started with <see cref="BeginIndex"/> and marked parsed. False when the event does not fit.
    /// </summary>
    internal bool TryAppendIndexed(EventBatch source, int index)
    {
        ReadOnlySpan<TopField> fields = source.GetTopFields(index, out ReadOnlySpan<byte> json);
        if (!TryAppend(json, source.GetLineNumber(index)))
        {
            return false;
        }

        SetFields(_count - 1, fields);
        ref readonly Entry from = ref source.Get(index);
        if (from.ContextField >= 0 && !source._bson)
        {
            ref Entry entry = ref _entries[_count - 1];
            entry.ContextStart = Store(source._fields.AsSpan(from.ContextStart, from.ContextCount));
            entry.ContextCount = from.ContextCount;
            entry.ContextField = from.ContextField;
        }

        return true;
    }

    /// <summary>
    /// Indexes a batch built from events that already passed a parse (copied from parsed batches, as a shard's
    /// buckets are), so its fields can be read. Each event is checked again; one that is not an event fails.
    /// </summary>
    internal void IndexCopiedEvents()
    {
        if (IsParsed)
        {
            return;
        }

        BeginIndex(_count * 16);
        TopField[] fields = new TopField[32];
        for (int i = 0; i < _count; i++)
        {
            if (EventIndexer.TryIndex(GetUtf8(i), ref fields, out int fieldCount, out _) is { } reason)
            {
                throw new InvalidOperationException($"A copied event is not an event ({reason}).");
            }

            SetFields(i, fields.AsSpan(0, fieldCount));
        }

        IsParsed = true;
    }
}
