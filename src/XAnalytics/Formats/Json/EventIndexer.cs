using System.Text.Json;
using System.Text.Unicode;

namespace XAnalytics.Formats.Json;

/// <summary>
/// Validates one JSON line and records where each top-level field's key and value stand, in a single pass
/// with <see cref="Utf8JsonReader"/>: nested values are skipped, not materialised.
/// </summary>
internal static class EventIndexer
{
    private static readonly JsonReaderOptions s_options = new() { MaxDepth = 256 };

    /// <summary>
    /// Indexes <paramref name="line"/> into <paramref name="fields"/> (grown when needed). Returns null when the
    /// line is an event, else the reject reason with a short, data-free <paramref name="detail"/>.
    /// </summary>
    public static string? TryIndex(ReadOnlySpan<byte> line, ref TopField[] fields, out int fieldCount, out string detail)
    {
        ContextIndex none = default;
        return TryIndex(line, ref fields, out fieldCount, out detail, ref none);
    }

    /// <summary>
    /// <see cref="TryIndex(ReadOnlySpan{byte}, ref TopField[], out int, out string)"/>, with the members of the
    /// <c>context</c> object in <paramref name="context"/> when its buffer is given and the fast path read the line
    /// (else its <see cref="ContextIndex.Field"/> is -1: read the object itself).
    /// </summary>
    public static string? TryIndex(ReadOnlySpan<byte> line, ref TopField[] fields, out int fieldCount, out string detail, ref ContextIndex context)
    {
        fieldCount = 0;
        context.Field = -1;
        context.Count = 0;
        detail = string.Empty;
        int start = 0;
        if (line.StartsWith("\uFEFF"u8))
        {
            start = 3; // a byte-order mark before the first line of a file
        }

        while (start < line.Length && line[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        // An event (nearly every line): the fast path, and UTF-8 checked only where a byte is not ASCII.
        if (start < line.Length && line[start] == (byte)'{'
            && JsonStructuralIndexer.TryIndex(line[start..], start, ref fields, out fieldCount, out bool ascii, ref context)
            && (ascii || Utf8.IsValid(line)))
        {
            if (VerifyFastPath)
            {
                CheckAgainstReader(line, start, fields.AsSpan(0, fieldCount));
                CheckContext(line, fields.AsSpan(0, fieldCount), context);
            }

            return null;
        }

        fieldCount = 0;
        context.Field = -1;
        context.Count = 0;
        if (!Utf8.IsValid(line) && !IsValidUpToCutCharacter(line))
        {
            detail = "bytes that are not UTF-8";
            return JsonRejects.InvalidUtf8;
        }

        if (start == line.Length || line[start] != (byte)'{')
        {
            return ClassifyNonObject(line[start..], out detail);
        }

        return IndexWithReader(line, start, ref fields, out fieldCount, out detail);
    }

    /// <summary>
    /// When set, every line <see cref="JsonStructuralIndexer"/> accepts is read again with <see cref="Utf8JsonReader"/>
    /// and must be accepted with the same layout. The test assembly sets it (in every build configuration), so every
    /// test that parses events also tests the fast path.
    /// </summary>
    internal static bool VerifyFastPath { get; set; }

    private static void CheckAgainstReader(ReadOnlySpan<byte> line, int start, ReadOnlySpan<TopField> fast)
    {
        TopField[] check = new TopField[Math.Max(4, fast.Length)];
        if (IndexWithReader(line, start, ref check, out int count, out string detail) is { } reason)
        {
            throw new InvalidOperationException($"The fast JSON path accepted a line the reader rejects ({reason}: {detail}).");
        }

        if (!check.AsSpan(0, count).SequenceEqual(fast))
        {
            throw new InvalidOperationException("The fast JSON path indexed a line differently from the reader.");
        }
    }

    /// <summary>
    /// Holds a context index to the reader's: recorded exactly when the last top-level <c>context</c> is an object (and
    /// a buffer was given), with the layout the reader gives that object's members, shifted to the line.
    /// </summary>
    private static void CheckContext(ReadOnlySpan<byte> line, ReadOnlySpan<TopField> fields, in ContextIndex context)
    {
        if (context.Members is null)
        {
            if (context.Field != -1)
            {
                throw new InvalidOperationException("The fast JSON path recorded a context it was not asked for.");
            }

            return;
        }

        int last = -1;
        for (int f = 0; f < fields.Length; f++)
        {
            if (!fields[f].KeyEscaped && line.Slice(fields[f].KeyOffset, fields[f].KeyLength).SequenceEqual("context"u8))
            {
                last = f;
            }
        }

        int expected = last >= 0 && fields[last].Kind == JsonTokenType.StartObject ? last : -1;
        if (expected < 0)
        {
            return; // none, or an earlier context object's members: readers compare the field with the one they found
        }

        if (context.Field != expected)
        {
            throw new InvalidOperationException("The fast JSON path did not index the event's context object.");
        }

        TopField value = fields[expected];
        TopField[] check = new TopField[Math.Max(4, context.Count)];
        if (IndexWithReader(line.Slice(value.ValueOffset, value.ValueLength), 0, ref check, out int count, out _) is not null)
        {
            throw new InvalidOperationException("The fast JSON path indexed a context object the reader rejects.");
        }

        for (int k = 0; k < count; k++)
        {
            check[k].KeyOffset += value.ValueOffset;
            check[k].ValueOffset += value.ValueOffset;
        }

        if (!check.AsSpan(0, count).SequenceEqual(context.Members.AsSpan(0, context.Count)))
        {
            throw new InvalidOperationException("The fast JSON path indexed a context object differently from the reader.");
        }
    }

    /// <summary>Validates and indexes with <see cref="Utf8JsonReader"/>: the reference, and the reasons for rejects.</summary>
    internal static string? IndexWithReader(ReadOnlySpan<byte> line, int start, ref TopField[] fields, out int fieldCount, out string detail)
    {
        fieldCount = 0;
        detail = string.Empty;
        var reader = new Utf8JsonReader(line[start..], s_options);
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (fieldCount == fields.Length)
                {
                    Array.Resize(ref fields, fields.Length * 2);
                }

                ref TopField field = ref fields[fieldCount++];
                field.KeyOffset = start + (int)reader.TokenStartIndex + 1;
                field.KeyLength = reader.ValueSpan.Length;
                field.KeyEscaped = reader.ValueIsEscaped;
                reader.Read();
                field.Kind = reader.TokenType;
                field.ValueEscaped = reader.ValueIsEscaped;
                int valueStart = (int)reader.TokenStartIndex;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }

                field.ValueOffset = start + valueStart;
                field.ValueLength = (int)reader.BytesConsumed - valueStart;
            }

            // Anything but white space after the object makes the reader throw here.
            if (reader.Read())
            {
                detail = "more than one JSON value on the line";
                return JsonRejects.InvalidJson;
            }

            return null;
        }
        catch (JsonException e)
        {
            if (IsCutShort(line[start..]))
            {
                detail = $"JSON ends after {line.Length} bytes, before its closing brace";
                return JsonRejects.Truncated;
            }

            detail = $"malformed JSON at byte {(e.BytePositionInLine ?? 0) + start}";
            return JsonRejects.InvalidJson;
        }
    }

    /// <summary>
    /// True when the only invalid UTF-8 is a character cut off at the very end: edX cut long lines by bytes,
    /// so such a line is truncated (as JSON), not mis-encoded.
    /// </summary>
    private static bool IsValidUpToCutCharacter(ReadOnlySpan<byte> line)
    {
        char[] chars = System.Buffers.ArrayPool<char>.Shared.Rent(line.Length);
        try
        {
            System.Buffers.OperationStatus status = Utf8.ToUtf16(line, chars, out _, out _, replaceInvalidSequences: false, isFinalBlock: false);
            return status == System.Buffers.OperationStatus.NeedMoreData;
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>
    /// True when <paramref name="json"/> is the start of some valid JSON: read as a non-final block, it runs out
    /// of data without an error. A position test is not enough: junk right after a complete object
    /// (<c>{...}}</c>) also fails on the line's last byte.
    /// </summary>
    private static bool IsCutShort(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: false, new JsonReaderState(s_options));
        try
        {
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string ClassifyNonObject(ReadOnlySpan<byte> text, out string detail)
    {
        if (text.IsEmpty)
        {
            detail = "no JSON value";
            return JsonRejects.NotJson;
        }

        // A JSON value that is not an object ("[...]", a number, a string) is valid JSON but no event.
        var reader = new Utf8JsonReader(text, s_options);
        try
        {
            if (reader.Read())
            {
                reader.Skip();
                if (!reader.Read())
                {
                    detail = $"a JSON {reader.TokenType.ToString().ToLowerInvariant()} value, not an object";
                    return JsonRejects.NotAnObject;
                }
            }
        }
        catch (JsonException)
        {
        }

        detail = text[0] == (byte)'#' ? "a comment line" : "the line does not start with '{'";
        return JsonRejects.NotJson;
    }
}
