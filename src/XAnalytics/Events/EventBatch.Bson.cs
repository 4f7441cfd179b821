using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using XAnalytics.Formats;
using XAnalytics.Formats.Bson;
using XAnalytics.Internal;

namespace XAnalytics.Events;

/// <content>BSON documents held as BSON until something needs their JSON: appending, field reads, conversion.</content>
public sealed partial class EventBatch
{
    [ThreadStatic]
    private static PooledBufferWriter? s_bsonScratch;

    [ThreadStatic]
    private static TopFieldList? s_bsonFields;

    /// <summary>
    /// True when some documents were indexed on their chunk's hash (<see cref="BsonNavigator.TryIndexTrusted"/>)
    /// rather than checked one by one: a manifest forged to match damaged bytes can then bring a document the
    /// conversion or a field read turns down, which must become a reject, not a failure of the run.
    /// </summary>
    private bool _bsonOnTrust;

    /// <summary>Documents indexed on trust that did not convert to JSON (line, detail, bytes), for the parse stage to reject.</summary>
    private List<(long Line, string Detail, byte[] Raw)>? _unconverted;

    /// <summary>The bytes of a document kept for its reject (the reject log keeps no more of a line).</summary>
    private const int MaxRejectedBytes = 4096;

    /// <summary>
    /// A batch whose lines are BSON documents that passed <see cref="BsonNavigator.TryValidate(ReadOnlySpan{byte}, out string)"/> (the BSON reader
    /// makes them), or, when marked so (<see cref="MarkIndexedOnTrust"/>), documents of a part whose hash matched its
    /// manifest, indexed by <see cref="BsonNavigator.TryIndexTrusted"/>. It counts as parsed: fields are read from the
    /// BSON, and the JSON is written when first needed.
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

    /// <summary>Notes that documents of this batch were indexed on their chunk's hash (see <see cref="_bsonOnTrust"/>).</summary>
    internal void MarkIndexedOnTrust() => _bsonOnTrust = true;

    /// <summary>
    /// <see cref="EnsureJson"/> for the parse stage: a document indexed on trust that does not convert is dropped
    /// from the batch and handed to <paramref name="reject"/> (its line number, the decoder's detail, its bytes),
    /// so a forged manifest costs a reject, as a damaged document of a checked file does. Returns how many.
    /// </summary>
    internal int EnsureJson<TState>(TState state, Action<TState, long, string, byte[]> reject)
    {
        if (!_bson)
        {
            return 0;
        }

        ConvertToJson();
        List<(long Line, string Detail, byte[] Raw)>? unconverted = _unconverted;
        _unconverted = null;
        if (unconverted is null)
        {
            return 0;
        }

        foreach ((long line, string detail, byte[] raw) in unconverted)
        {
            reject(state, line, detail, raw);
        }

        return unconverted.Count;
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
            if (_unconverted is { Count: > 0 } unconverted)
            {
                // Converted outside the parse stage (a fused aggregate skipped it), where nothing can reject: the
                // run stops with the place named rather than dropping an event it already counted.
                _unconverted = null;
                throw new InvalidDataException(
                    $"{Source.Path}: document {unconverted[0].Line} is not well-formed BSON ({unconverted[0].Detail}), though its chunk's hash matches manifest.json (a manifest written for damaged bytes?)");
            }
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
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            Entry entry = _entries[i];
            int start = json.WrittenCount;
            ReadOnlySpan<byte> document = _data.AsSpan(entry.Offset, entry.Length);
            if (BsonDecoder.TryAppendJson(document, json, top, out string detail) is not null)
            {
                if (!_bsonOnTrust)
                {
                    // The reader let the document in only after the same checks the decoder makes.
                    throw new InvalidOperationException($"A checked BSON document could not be converted to JSON ({detail}).");
                }

                (_unconverted ??= []).Add((entry.Line, detail, document[..Math.Min(document.Length, MaxRejectedBytes)].ToArray()));
                continue;
            }

            entry.Offset = start;
            entry.Length = json.WrittenCount - start;
            _entries[kept] = entry;
            SetFields(kept++, top.Fields);
        }

        _count = kept;

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
            if (!BsonDecoder.TryAppendValueJson(type, document, at, scratch, out JsonTokenType kind, out bool escaped))
            {
                // Only a document indexed on its chunk's hash can get here (a forged manifest): read as absent.
                value = default;
                return _bsonOnTrust ? false : throw new InvalidOperationException("A checked BSON value could not be written as JSON.");
            }

            ReadOnlySpan<byte> raw = (_values ??= new ValueArena()).Add(scratch.WrittenSpan);
            if (s == segments.Length - 1)
            {
                value = new FieldValue(raw, kind, escaped);
                return true;
            }

            if (kind == JsonTokenType.StartObject)
            {
                return TryGetNested(raw, segments.AsSpan(s), 1, out value);
            }

            if (kind == JsonTokenType.String)
            {
                return TryGetInString(raw, escaped, segments, s + 1, out value);
            }

            break;
        }

        value = default;
        return false;
    }

    /// <summary>
    /// Finds a top-level element of a BSON document in the elements its check recorded, from the last (a repeated
    /// name: the last wins, as in the JSON index). Walking the document's elements instead was a sixth of a BSON
    /// count's CPU (perf); <see cref="FindTopField"/>'s call to <c>SequenceEqual</c> for each name of the right length
    /// was a tenth of what was left (perf, count by event_type over the 1M BSON copy), hence <see cref="NameEquals"/>.
    /// </summary>
    private static bool TryFindTopLevel(ReadOnlySpan<byte> document, ReadOnlySpan<TopField> topLevel, ReadOnlySpan<byte> name, out byte type, out int valueAt)
    {
        for (int k = topLevel.Length - 1; k >= 0; k--)
        {
            ref readonly TopField field = ref topLevel[k];
            if (field.KeyLength == name.Length && NameEquals(document.Slice(field.KeyOffset, name.Length), name))
            {
                type = document[field.KeyOffset - 1];
                valueAt = field.ValueOffset;
                return true;
            }
        }

        type = 0;
        valueAt = -1;
        return false;
    }

    /// <summary>
    /// Two names of the same length compared in registers: two overlapping 8-byte (or 4-byte) words cover up to 16
    /// bytes, the names a field path asks for; longer ones go to <c>SequenceEqual</c>.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool NameEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int n = b.Length;
        if (n >= 8)
        {
            return n <= 16
                ? BinaryPrimitives.ReadUInt64LittleEndian(a) == BinaryPrimitives.ReadUInt64LittleEndian(b)
                    && BinaryPrimitives.ReadUInt64LittleEndian(a[(n - 8)..]) == BinaryPrimitives.ReadUInt64LittleEndian(b[(n - 8)..])
                : a.SequenceEqual(b);
        }

        if (n >= 4)
        {
            return BinaryPrimitives.ReadUInt32LittleEndian(a) == BinaryPrimitives.ReadUInt32LittleEndian(b)
                && BinaryPrimitives.ReadUInt32LittleEndian(a[(n - 4)..]) == BinaryPrimitives.ReadUInt32LittleEndian(b[(n - 4)..]);
        }

        for (int i = 0; i < n; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }

        return true;
    }
}
