using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using MongoDB.Bson;
using XAnalytics.Internal;

namespace XAnalytics.Formats.Bson;

/// <summary>
/// Writes one BSON document as one line of compact UTF-8 JSON, by walking its bytes: names and strings are copied
/// with only the JSON escapes added (searched with a vectorised <see cref="SearchValues{T}"/>), numbers formatted
/// straight into the output. No <c>BsonDocument</c>, no strings.
/// </summary>
/// <remarks>
/// Types map back as <see cref="BsonEncoder"/> wrote them: int32 and int64 as integers, a double with its
/// shortest round-trip text (with <c>.0</c> added to an integral one, so it stays a double the next time), decimal128
/// as a JSON number. Types JSON has no literal for take MongoDB Extended JSON (relaxed) forms: <c>{"$oid": ...}</c>,
/// <c>{"$date": ...}</c>, <c>{"$binary": ...}</c>, <c>{"$timestamp": ...}</c>, <c>{"$numberDouble": "NaN"}</c>...
/// </remarks>
internal static class BsonDecoder
{
    private const int MaxDepth = 256;
    private static readonly SearchValues<byte> s_toEscape = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\"\\"u8);

    /// <summary>
    /// Appends the JSON for <paramref name="document"/> (exactly one BSON document) to <paramref name="output"/>.
    /// Returns null on success, else <see cref="BsonRejects.InvalidBson"/> with a data-free
    /// <paramref name="detail"/>, and <paramref name="output"/> is left as it was.
    /// </summary>
    /// <param name="document">The document's bytes.</param>
    /// <param name="output">Where the JSON goes.</param>
    /// <param name="top">When given, receives where each top-level field's key and value stand in the JSON written
    /// (offsets from its first byte), as the parse stage would have indexed them.</param>
    /// <param name="detail">Why the document was rejected.</param>
    public static string? TryAppendJson(ReadOnlySpan<byte> document, PooledBufferWriter output, TopFieldList? top, out string detail)
    {
        int start = output.WrittenCount;
        int pos = 0;
        top?.Begin(start);
        var o = new JsonOut(output, document.Length + 64);
        bool ok = TryWriteDocument(document, ref pos, isArray: false, ref o, 0, top, out detail);
        o.Commit();
        if (!ok)
        {
            output.Truncate(start);
            return BsonRejects.InvalidBson;
        }

        if (pos != document.Length)
        {
            output.Truncate(start);
            detail = "bytes after the end of the document";
            return BsonRejects.InvalidBson;
        }

        // Names and strings are copied as they are, around ASCII punctuation: the JSON is valid UTF-8 exactly when
        // every one of them is, and one vectorised pass over the line is cheaper than one per string.
        if (!Utf8.IsValid(output.WrittenSpan[start..]))
        {
            output.Truncate(start);
            detail = "a name or string that is not UTF-8";
            return BsonRejects.InvalidBson;
        }

        return null;
    }

    /// <summary>True when <paramref name="text"/> can be written as a JSON string between quotes as it is.</summary>
    public static bool IsPlainJsonString(ReadOnlySpan<byte> text) => text.IndexOfAny(s_toEscape) < 0;

    /// <summary>
    /// Appends the JSON of one value of a document that passed <see cref="BsonNavigator.TryValidate(ReadOnlySpan{byte}, out string)"/> (found with
    /// <see cref="BsonNavigator.TryFind"/>) and returns the JSON token it starts with.
    /// </summary>
    /// <param name="type">The value's BSON type.</param>
    /// <param name="document">The document holding the value.</param>
    /// <param name="valueAt">Where the value starts in <paramref name="document"/>.</param>
    /// <param name="output">Where the JSON goes.</param>
    /// <param name="escaped">True when a string value was written with escapes.</param>
    public static JsonTokenType AppendValueJson(byte type, ReadOnlySpan<byte> document, int valueAt, PooledBufferWriter output, out bool escaped)
        => TryAppendValueJson(type, document, valueAt, output, out JsonTokenType kind, out escaped)
            ? kind
            : throw new InvalidOperationException("A checked BSON value could not be written as JSON.");

    /// <summary>
    /// <see cref="AppendValueJson"/> that says false, with <paramref name="output"/> as it was, when the value is
    /// not well-formed (a document indexed on its part's hash alone, under a forged manifest).
    /// </summary>
    /// <param name="type">The value's BSON type.</param>
    /// <param name="document">The document holding the value.</param>
    /// <param name="valueAt">Where the value starts in <paramref name="document"/>.</param>
    /// <param name="output">Where the JSON goes.</param>
    /// <param name="kind">The JSON token the value starts with.</param>
    /// <param name="escaped">True when a string value was written with escapes.</param>
    public static bool TryAppendValueJson(byte type, ReadOnlySpan<byte> document, int valueAt, PooledBufferWriter output, out JsonTokenType kind, out bool escaped)
    {
        int start = output.WrittenCount;
        var o = new JsonOut(output, 64);
        int at = valueAt;
        escaped = false;
        bool ok = TryWriteValue(type, document, ref at, ref o, 0, ref escaped, out _);
        kind = ok ? KindOf(type, o.ByteAt(start)) : JsonTokenType.None;
        o.Commit();
        if (!ok)
        {
            output.Truncate(start);
        }

        return ok;
    }

    private static bool TryWriteDocument(ReadOnlySpan<byte> bson, ref int pos, bool isArray, ref JsonOut output, int depth, TopFieldList? top, out string detail)
    {
        if (depth > MaxDepth)
        {
            detail = $"nested more than {MaxDepth} deep";
            return false;
        }

        if (bson.Length - pos < 5)
        {
            detail = "a document shorter than 5 bytes";
            return false;
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(bson[pos..]);
        if (length < 5 || length > bson.Length - pos || bson[pos + length - 1] != 0)
        {
            detail = "a nested document whose length prefix does not match its bytes";
            return false;
        }

        ReadOnlySpan<byte> doc = bson.Slice(pos, length - 1); // without the final NUL
        int at = 4;
        output.Write(isArray ? (byte)'[' : (byte)'{');
        bool first = true;
        while (at < doc.Length)
        {
            byte type = doc[at++];
            int nameEnd = doc[at..].IndexOf((byte)0);
            if (nameEnd < 0)
            {
                detail = "an element name without its end";
                return false;
            }

            ReadOnlySpan<byte> name = doc.Slice(at, nameEnd);
            at += nameEnd + 1;
            if (!first)
            {
                output.Write((byte)',');
            }

            first = false;
            if (!isArray)
            {
                int keyAt = output.Position + 1;
                bool keyEscaped = WriteString(name, ref output);
                output.Write((byte)':');
                if (top is not null)
                {
                    int valueAt = output.Position;
                    bool valueEscaped = false;
                    if (!TryWriteValue(type, doc, ref at, ref output, depth, ref valueEscaped, out detail))
                    {
                        return false;
                    }

                    top.Add(keyAt, valueAt - 2 - keyAt, keyEscaped, valueAt, output.Position - valueAt, KindOf(type, output.ByteAt(valueAt)), valueEscaped);
                    continue;
                }
            }

            bool ignored = false;
            if (!TryWriteValue(type, doc, ref at, ref output, depth, ref ignored, out detail))
            {
                return false;
            }
        }

        if (at != doc.Length)
        {
            detail = "an element that runs past the end of its document";
            return false;
        }

        output.Write(isArray ? (byte)']' : (byte)'}');
        pos += length;
        detail = string.Empty;
        return true;
    }

    private static bool TryWriteValue(byte type, ReadOnlySpan<byte> doc, ref int at, ref JsonOut output, int depth, ref bool escaped, out string detail)
    {
        detail = "an element that runs past the end of its document";
        switch (type)
        {
            case 0x01:
                if (doc.Length - at < 8)
                {
                    return false;
                }

                WriteDouble(BinaryPrimitives.ReadDoubleLittleEndian(doc[at..]), ref output);
                at += 8;
                break;
            case 0x02: // string
            case 0x0D: // JavaScript code: its text, as a string
            case 0x0E: // symbol (deprecated): a string
                if (!TryReadString(doc, ref at, out ReadOnlySpan<byte> text, out detail))
                {
                    return false;
                }

                if (type == 0x0D)
                {
                    output.Write("{\"$code\":"u8);
                    WriteString(text, ref output);
                    output.Write((byte)'}');
                }
                else
                {
                    escaped = WriteString(text, ref output);
                }

                break;
            case 0x03:
            case 0x04:
                return TryWriteDocument(doc, ref at, type == 0x04, ref output, depth + 1, null, out detail);
            case 0x05:
                if (doc.Length - at < 5)
                {
                    return false;
                }

                int size = BinaryPrimitives.ReadInt32LittleEndian(doc[at..]);
                if (size < 0 || size > doc.Length - at - 5)
                {
                    return false;
                }

                byte subtype = doc[at + 4];
                output.Write("{\"$binary\":{\"base64\":\""u8);
                ReadOnlySpan<byte> data = doc.Slice(at + 5, size);
                Span<byte> room = output.GetSpan(Base64.GetMaxEncodedToUtf8Length(size));
                Base64.EncodeToUtf8(data, room, out _, out int written);
                output.Advance(written);
                output.Write("\",\"subType\":\""u8);
                WriteHex(subtype, ref output);
                output.Write("\"}}"u8);
                at += 5 + size;
                break;
            case 0x06:
                output.Write("{\"$undefined\":true}"u8);
                break;
            case 0x07:
                if (doc.Length - at < 12)
                {
                    return false;
                }

                output.Write("{\"$oid\":\""u8);
                for (int i = 0; i < 12; i++)
                {
                    WriteHex(doc[at + i], ref output);
                }

                output.Write("\"}"u8);
                at += 12;
                break;
            case 0x08:
                if (doc.Length - at < 1)
                {
                    return false;
                }

                output.Write(doc[at] != 0 ? "true"u8 : "false"u8);
                at += 1;
                break;
            case 0x09:
                if (doc.Length - at < 8)
                {
                    return false;
                }

                WriteDate(BinaryPrimitives.ReadInt64LittleEndian(doc[at..]), ref output);
                at += 8;
                break;
            case 0x0A:
                output.Write("null"u8);
                break;
            case 0x0B:
                int patternEnd = doc[at..].IndexOf((byte)0);
                int optionsEnd = patternEnd < 0 ? -1 : doc[(at + patternEnd + 1)..].IndexOf((byte)0);
                if (optionsEnd < 0)
                {
                    return false;
                }

                output.Write("{\"$regularExpression\":{\"pattern\":"u8);
                WriteString(doc.Slice(at, patternEnd), ref output);
                output.Write(",\"options\":"u8);
                WriteString(doc.Slice(at + patternEnd + 1, optionsEnd), ref output);
                output.Write("}}"u8);
                at += patternEnd + 1 + optionsEnd + 1;
                break;
            case 0x10:
                if (doc.Length - at < 4)
                {
                    return false;
                }

                WriteInteger(BinaryPrimitives.ReadInt32LittleEndian(doc[at..]), ref output);
                at += 4;
                break;
            case 0x11:
                if (doc.Length - at < 8)
                {
                    return false;
                }

                output.Write("{\"$timestamp\":{\"t\":"u8);
                WriteInteger(BinaryPrimitives.ReadUInt32LittleEndian(doc[(at + 4)..]), ref output);
                output.Write(",\"i\":"u8);
                WriteInteger(BinaryPrimitives.ReadUInt32LittleEndian(doc[at..]), ref output);
                output.Write("}}"u8);
                at += 8;
                break;
            case 0x12:
                if (doc.Length - at < 8)
                {
                    return false;
                }

                WriteInteger(BinaryPrimitives.ReadInt64LittleEndian(doc[at..]), ref output);
                at += 8;
                break;
            case 0x13:
                if (doc.Length - at < 16)
                {
                    return false;
                }

                var value = Decimal128.FromIEEEBits(
                    BinaryPrimitives.ReadUInt64LittleEndian(doc[(at + 8)..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(doc[at..]));
                WriteDecimal(value, ref output);
                at += 16;
                break;
            case 0x7F:
                output.Write("{\"$maxKey\":1}"u8);
                break;
            case 0xFF:
                output.Write("{\"$minKey\":1}"u8);
                break;
            default:
                detail = $"BSON type 0x{type:x2}, which has no JSON form here";
                return false;
        }

        detail = string.Empty;
        return true;
    }

    private static bool TryReadString(ReadOnlySpan<byte> doc, ref int at, out ReadOnlySpan<byte> text, out string detail)
    {
        text = default;
        detail = "a string that runs past the end of its document";
        if (doc.Length - at < 4)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(doc[at..]);
        if (length < 1 || length > doc.Length - at - 4 || doc[at + 4 + length - 1] != 0)
        {
            return false;
        }

        text = doc.Slice(at + 4, length - 1);
        at += 4 + length;
        return true;
    }

    /// <summary>Writes a JSON string: the bytes as they are, with <c>"</c>, <c>\</c> and control characters escaped.</summary>
    /// <returns>True when escapes were written.</returns>
    private static bool WriteString(scoped ReadOnlySpan<byte> text, ref JsonOut output)
    {
        output.Reserve(text.Length + 8);
        output.Write((byte)'"');
        bool escaped = false;
        while (true)
        {
            int i = text.IndexOfAny(s_toEscape);
            if (i < 0)
            {
                output.Write(text);
                break;
            }

            escaped = true;

            output.Write(text[..i]);
            byte b = text[i];
            switch (b)
            {
                case (byte)'"': output.Write("\\\""u8); break;
                case (byte)'\\': output.Write("\\\\"u8); break;
                case (byte)'\n': output.Write("\\n"u8); break;
                case (byte)'\r': output.Write("\\r"u8); break;
                case (byte)'\t': output.Write("\\t"u8); break;
                case (byte)'\b': output.Write("\\b"u8); break;
                case (byte)'\f': output.Write("\\f"u8); break;
                default:
                    output.Write("\\u00"u8);
                    WriteHex(b, ref output);
                    break;
            }

            text = text[(i + 1)..];
        }

        output.Write((byte)'"');
        return escaped;
    }

    /// <summary>The JSON token a value starts with, from its first byte.</summary>
    private static JsonTokenType KindOf(byte type, byte first) => first switch
    {
        (byte)'{' => JsonTokenType.StartObject,
        (byte)'[' => JsonTokenType.StartArray,
        (byte)'"' => JsonTokenType.String,
        (byte)'t' => JsonTokenType.True,
        (byte)'f' => JsonTokenType.False,
        (byte)'n' => JsonTokenType.Null,
        _ => type is 0x01 or 0x10 or 0x12 or 0x13 ? JsonTokenType.Number : JsonTokenType.None,
    };

    private static void WriteHex(byte value, ref JsonOut output)
    {
        output.Write((byte)"0123456789abcdef"[value >> 4]);
        output.Write((byte)"0123456789abcdef"[value & 0xf]);
    }

    private static void WriteInteger(long value, ref JsonOut output)
    {
        Span<byte> room = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, room, out int n);
        output.Advance(n);
    }

    private static void WriteDouble(double value, ref JsonOut output)
    {
        if (!double.IsFinite(value))
        {
            output.Write("{\"$numberDouble\":\""u8);
            output.Write(double.IsNaN(value) ? "NaN"u8 : value > 0 ? "Infinity"u8 : "-Infinity"u8);
            output.Write("\"}"u8);
            return;
        }

        Span<byte> room = output.GetSpan(32);
        value.TryFormat(room, out int n, "R", CultureInfo.InvariantCulture);
        output.Advance(n);
        if (room[..n].IndexOfAny((byte)'.', (byte)'E', (byte)'e') < 0)
        {
            // An integral double keeps a fraction, so that reading it back gives a double again, not an integer.
            output.Write(".0"u8);
        }
    }

    private static void WriteDecimal(Decimal128 value, ref JsonOut output)
    {
        if (Decimal128.IsNaN(value) || Decimal128.IsInfinity(value))
        {
            output.Write("{\"$numberDecimal\":\""u8);
            output.Write(System.Text.Encoding.UTF8.GetBytes(value.ToString()));
            output.Write("\"}"u8);
            return;
        }

        // Rare (numbers beyond int64 or double precision): the string is fine here.
        output.Write(System.Text.Encoding.UTF8.GetBytes(value.ToString()));
    }

    private static void WriteDate(long milliseconds, ref JsonOut output)
    {
        const long MinIso = 0; // 1970-01-01: relaxed Extended JSON uses ISO text from here to year 9999
        const long MaxIso = 253402300799999;
        if (milliseconds is < MinIso or > MaxIso)
        {
            output.Write("{\"$date\":{\"$numberLong\":\""u8);
            WriteInteger(milliseconds, ref output);
            output.Write("\"}}"u8);
            return;
        }

        DateTime time = DateTime.UnixEpoch.AddMilliseconds(milliseconds);
        output.Write("{\"$date\":\""u8);
        Span<byte> room = output.GetSpan(32);
        time.TryFormat(room, out int n, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        output.Advance(n);
        output.Write("\"}"u8);
    }
}
