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
