using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Unicode;
using MongoDB.Bson;
using XAnalytics.Generation;

namespace XAnalytics.Sources;

/// <summary>The reasons BSON conversion rejects an event or a document.</summary>
public static class BsonRejectReasons
{
    /// <summary>The event holds something BSON cannot carry (a key with U+0000, a number beyond every BSON number type).</summary>
    public const string NotRepresentable = "not-bson-representable";

    /// <summary>A BSON document is malformed inside (its length prefix was fine), or holds a type with no JSON form.</summary>
    public const string InvalidBson = "invalid-bson";
}

/// <summary>
/// Writes one BSON document as one line of compact UTF-8 JSON, by walking its bytes: names and strings are copied
/// with only the JSON escapes added (searched with a vectorised <see cref="SearchValues{T}"/>), numbers formatted
/// straight into the output. No <c>BsonDocument</c>, no strings.
/// </summary>
/// <remarks>
/// Types map back as <see cref="Sinks.BsonEncoder"/> wrote them: int32 and int64 as integers, a double with its
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
    /// Returns null on success, else <see cref="BsonRejectReasons.InvalidBson"/> with a data-free
    /// <paramref name="detail"/>, and <paramref name="output"/> is left as it was.
    /// </summary>
    public static string? TryAppendJson(ReadOnlySpan<byte> document, PooledBufferWriter output, out string detail)
    {
        int start = output.WrittenCount;
        int pos = 0;
        if (!TryWriteDocument(document, ref pos, isArray: false, output, 0, out detail))
        {
            output.Truncate(start);
            return BsonRejectReasons.InvalidBson;
        }

        if (pos != document.Length)
        {
            output.Truncate(start);
            detail = "bytes after the end of the document";
            return BsonRejectReasons.InvalidBson;
        }

        return null;
    }

    private static bool TryWriteDocument(ReadOnlySpan<byte> bson, ref int pos, bool isArray, PooledBufferWriter output, int depth, out string detail)
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
                if (!Utf8.IsValid(name))
                {
                    detail = "an element name that is not UTF-8";
                    return false;
                }

                WriteString(name, output);
                output.Write((byte)':');
            }

            if (!TryWriteValue(type, doc, ref at, output, depth, out detail))
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

    private static bool TryWriteValue(byte type, ReadOnlySpan<byte> doc, ref int at, PooledBufferWriter output, int depth, out string detail)
    {
        detail = "an element that runs past the end of its document";
        switch (type)
        {
            case 0x01:
                if (doc.Length - at < 8)
                {
                    return false;
                }

                WriteDouble(BinaryPrimitives.ReadDoubleLittleEndian(doc[at..]), output);
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
                    WriteString(text, output);
                    output.Write((byte)'}');
                }
                else
                {
                    WriteString(text, output);
                }

                break;
            case 0x03:
            case 0x04:
                return TryWriteDocument(doc, ref at, type == 0x04, output, depth + 1, out detail);
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
                WriteHex(subtype, output);
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
                    WriteHex(doc[at + i], output);
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

                WriteDate(BinaryPrimitives.ReadInt64LittleEndian(doc[at..]), output);
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
                WriteString(doc.Slice(at, patternEnd), output);
                output.Write(",\"options\":"u8);
                WriteString(doc.Slice(at + patternEnd + 1, optionsEnd), output);
                output.Write("}}"u8);
                at += patternEnd + 1 + optionsEnd + 1;
                break;
            case 0x10:
                if (doc.Length - at < 4)
                {
                    return false;
                }

                WriteInteger(BinaryPrimitives.ReadInt32LittleEndian(doc[at..]), output);
                at += 4;
                break;
            case 0x11:
                if (doc.Length - at < 8)
                {
                    return false;
                }

                output.Write("{\"$timestamp\":{\"t\":"u8);
                WriteInteger(BinaryPrimitives.ReadUInt32LittleEndian(doc[(at + 4)..]), output);
                output.Write(",\"i\":"u8);
                WriteInteger(BinaryPrimitives.ReadUInt32LittleEndian(doc[at..]), output);
                output.Write("}}"u8);
                at += 8;
                break;
            case 0x12:
                if (doc.Length - at < 8)
                {
                    return false;
                }

                WriteInteger(BinaryPrimitives.ReadInt64LittleEndian(doc[at..]), output);
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
                WriteDecimal(value, output);
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
        if (!Utf8.IsValid(text))
        {
            detail = "a string that is not UTF-8";
            return false;
        }

        at += 4 + length;
        return true;
    }

    /// <summary>Writes a JSON string: the bytes as they are, with <c>"</c>, <c>\</c> and control characters escaped.</summary>
    private static void WriteString(ReadOnlySpan<byte> text, PooledBufferWriter output)
    {
        output.Write((byte)'"');
        while (true)
        {
            int i = text.IndexOfAny(s_toEscape);
            if (i < 0)
            {
                output.Write(text);
                break;
            }

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
                    WriteHex(b, output);
                    break;
            }

            text = text[(i + 1)..];
        }

        output.Write((byte)'"');
    }

    private static void WriteHex(byte value, PooledBufferWriter output)
    {
        output.Write((byte)"0123456789abcdef"[value >> 4]);
        output.Write((byte)"0123456789abcdef"[value & 0xf]);
    }

    private static void WriteInteger(long value, PooledBufferWriter output)
    {
        Span<byte> room = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, room, out int n);
        output.Advance(n);
    }

    private static void WriteDouble(double value, PooledBufferWriter output)
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

    private static void WriteDecimal(Decimal128 value, PooledBufferWriter output)
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

    private static void WriteDate(long milliseconds, PooledBufferWriter output)
    {
        const long MinIso = 0; // 1970-01-01: relaxed Extended JSON uses ISO text from here to year 9999
        const long MaxIso = 253402300799999;
        if (milliseconds is < MinIso or > MaxIso)
        {
            output.Write("{\"$date\":{\"$numberLong\":\""u8);
            WriteInteger(milliseconds, output);
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
