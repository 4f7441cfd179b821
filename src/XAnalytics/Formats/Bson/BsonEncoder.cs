using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using MongoDB.Bson;
using XAnalytics.Internal;

namespace XAnalytics.Formats.Bson;

/// <summary>
/// Turns one JSON object (UTF-8) into one BSON document in a single pass with <see cref="Utf8JsonReader"/>,
/// writing straight into a pooled buffer: no DOM, no strings, lengths patched in place when a document ends.
/// </summary>
/// <remarks>
/// <para>Why not <c>BsonBinaryWriter</c>: it takes element names and string values as <see cref="string"/>, so
/// every key and value would be decoded from UTF-8 and encoded back. Here bytes stay bytes; MongoDB.Bson is used
/// only for <see cref="Decimal128"/> (and, in the tests, to check that what we write is BSON it accepts).</para>
/// <para>Numbers keep their type, and the way back (<see cref="BsonDecoder"/>) gives a number equal to the one
/// read: an integer becomes int32 when it fits, else int64, else decimal128 (exact up to 34 digits); a number
/// with a fraction or an exponent becomes a double when the double's shortest text is the same number, else
/// decimal128. What BSON cannot hold (a key containing U+0000, a number of more than 34 significant digits
/// beyond int64 or double precision, a string with a lone surrogate escape) is reported, never written.</para>
/// </remarks>
internal static class BsonEncoder
{
    private const int MaxDepth = 256;
    private const int MaxDecimalDigits = 34;
    private static readonly JsonReaderOptions s_options = new() { MaxDepth = MaxDepth };

    private static ReadOnlySpan<byte> Zero4 => [0, 0, 0, 0];

    /// <summary>
    /// Appends the BSON document for <paramref name="json"/> to <paramref name="output"/>. Returns null on success,
    /// else a reject reason (<see cref="BsonRejects"/>) with a data-free <paramref name="detail"/>, and
    /// <paramref name="output"/> is left as it was.
    /// </summary>
    public static string? TryAppend(ReadOnlySpan<byte> json, PooledBufferWriter output, out string detail)
    {
        int start = output.WrittenCount;
        Span<int> docStart = stackalloc int[MaxDepth + 1];
        Span<int> arrayIndex = stackalloc int[MaxDepth + 1];
        int depth = -1;
        int typeAt = -1;
        var reader = new Utf8JsonReader(json, s_options);
        try
        {
            while (reader.Read())
            {
                JsonTokenType token = reader.TokenType;
                if (token == JsonTokenType.PropertyName)
                {
                    typeAt = WritePropertyName(ref reader, output);
                    if (typeAt < 0)
                    {
                        output.Truncate(start);
                        detail = "a key contains U+0000, which a BSON element name cannot hold";
                        return BsonRejects.NotRepresentable;
                    }

                    continue;
                }

                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    output.Write(0);
                    int at = docStart[depth];
                    BinaryPrimitives.WriteInt32LittleEndian(output.Span(at, 4), output.WrittenCount - at);
                    depth--;
                    continue;
                }

                // A value: in an array its element name is its index; in an object the name was written already.
                if (depth >= 0 && arrayIndex[depth] >= 0)
                {
                    typeAt = WriteIndexName(arrayIndex[depth]++, output);
                }

                switch (token)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        if (depth >= 0)
                        {
                            output.Set(typeAt, token == JsonTokenType.StartObject ? (byte)0x03 : (byte)0x04);
                        }
                        else if (token != JsonTokenType.StartObject)
                        {
                            output.Truncate(start);
                            detail = "the event is not a JSON object";
                            return BsonRejects.NotRepresentable;
                        }

                        depth++;
                        docStart[depth] = output.WrittenCount;
                        arrayIndex[depth] = token == JsonTokenType.StartArray ? 0 : -1;
                        output.Write(Zero4);
                        break;
                    case JsonTokenType.String:
                        output.Set(typeAt, 0x02);
                        WriteString(ref reader, output);
                        break;
                    case JsonTokenType.Number:
                        if (!TryWriteNumber(reader.ValueSpan, output, typeAt))
                        {
                            output.Truncate(start);
                            detail = "a number with more than 34 significant digits that no BSON number type holds exactly";
                            return BsonRejects.NotRepresentable;
                        }

                        break;
                    case JsonTokenType.True:
                    case JsonTokenType.False:
                        output.Set(typeAt, 0x08);
                        output.Write(token == JsonTokenType.True ? (byte)1 : (byte)0);
                        break;
                    case JsonTokenType.Null:
                        output.Set(typeAt, 0x0A);
                        break;
                    default:
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            output.Truncate(start);
            detail = $"invalid JSON: {e.Message}";
            return BsonRejects.NotRepresentable;
        }
        catch (InvalidOperationException)
        {
            // CopyString: an escape that is not valid UTF-16 (a lone surrogate); BSON strings are UTF-8.
            output.Truncate(start);
            detail = "a string or key with an escape that is not valid Unicode (a lone surrogate)";
            return BsonRejects.NotRepresentable;
        }

        detail = string.Empty;
        return null;
    }

    /// <summary>Writes a placeholder type byte and the key as a C string; returns the type byte's offset, or -1 for a key with U+0000.</summary>
    private static int WritePropertyName(ref Utf8JsonReader reader, PooledBufferWriter output)
    {
        int typeAt = output.WrittenCount;
        output.Write(0);
        if (!reader.ValueIsEscaped)
        {
            // Raw JSON cannot hold a control character, so an unescaped key has no NUL.
            output.Write(reader.ValueSpan);
        }
        else
        {
            Span<byte> room = output.GetSpan(reader.ValueSpan.Length);
            int n = reader.CopyString(room);
            if (room[..n].Contains((byte)0))
            {
                return -1;
            }

            output.Advance(n);
        }

        output.Write(0);
        return typeAt;
    }

    private static int WriteIndexName(int index, PooledBufferWriter output)
    {
        int typeAt = output.WrittenCount;
        output.Write(0);
        Span<byte> room = output.GetSpan(12);
        Utf8Formatter.TryFormat(index, room, out int n);
        output.Advance(n);
        output.Write(0);
        return typeAt;
    }

    private static void WriteString(ref Utf8JsonReader reader, PooledBufferWriter output)
    {
        int lengthAt = output.WrittenCount;
        output.Write(Zero4);
        int n;
        if (!reader.ValueIsEscaped)
        {
            n = reader.ValueSpan.Length;
            output.Write(reader.ValueSpan);
        }
        else
        {
            n = reader.CopyString(output.GetSpan(reader.ValueSpan.Length));
            output.Advance(n);
        }

        output.Write(0);
        BinaryPrimitives.WriteInt32LittleEndian(output.Span(lengthAt, 4), n + 1);
    }

    private static bool TryWriteNumber(ReadOnlySpan<byte> raw, PooledBufferWriter output, int typeAt)
    {
        bool integer = raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0;
        if (integer)
        {
            if (Utf8Parser.TryParse(raw, out int i32, out int used) && used == raw.Length)
            {
                output.Set(typeAt, 0x10);
                BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), i32);
                output.Advance(4);
                return true;
            }

            if (Utf8Parser.TryParse(raw, out long i64, out used) && used == raw.Length)
            {
                output.Set(typeAt, 0x12);
                BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), i64);
                output.Advance(8);
                return true;
            }

            return TryWriteDecimal(raw, output, typeAt);
        }

        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && IsExactDouble(raw, d))
        {
            output.Set(typeAt, 0x01);
            BinaryPrimitives.WriteDoubleLittleEndian(output.GetSpan(8), d);
            output.Advance(8);
            return true;
        }

        return TryWriteDecimal(raw, output, typeAt);
    }

    /// <summary>True when the double's shortest round-trip text is the same number as <paramref name="raw"/>.</summary>
    private static bool IsExactDouble(ReadOnlySpan<byte> raw, double d)
    {
        // Any decimal of at most 15 significant digits survives a trip through a normal double (DBL_DIG).
        if (double.IsNormal(d) && SignificantDigits(raw) <= 15)
        {
            return true;
        }

        if (!double.IsFinite(d))
        {
            return false;
        }

        Span<byte> text = stackalloc byte[32];
        d.TryFormat(text, out int n, "R", CultureInfo.InvariantCulture);
        return JsonNumberText.SameValue(raw, text[..n]);
    }

    private static int SignificantDigits(ReadOnlySpan<byte> raw)
    {
        int digits = 0;
        bool leading = true;
        foreach (byte b in raw)
        {
            if (b is (byte)'e' or (byte)'E')
            {
                break;
            }

            if (b is >= (byte)'0' and <= (byte)'9' && !(leading && b == (byte)'0'))
            {
                leading = false;
                digits++;
            }
        }

        return digits;
    }

    private static bool TryWriteDecimal(ReadOnlySpan<byte> raw, PooledBufferWriter output, int typeAt)
    {
        // Rare (numbers beyond int64 or double precision): a string for Decimal128's parser is fine here.
        if (SignificantDigits(raw) > MaxDecimalDigits)
        {
            return false;
        }

        string text = System.Text.Encoding.UTF8.GetString(raw);
        if (!Decimal128.TryParse(text, out Decimal128 value) || !JsonNumberText.SameValue(raw, System.Text.Encoding.UTF8.GetBytes(value.ToString())))
        {
            return false;
        }

        output.Set(typeAt, 0x13);
        Span<byte> room = output.GetSpan(16);
        BinaryPrimitives.WriteUInt64LittleEndian(room, value.GetIEEELowBits());
        BinaryPrimitives.WriteUInt64LittleEndian(room[8..], value.GetIEEEHighBits());
        output.Advance(16);
        return true;
    }
}
