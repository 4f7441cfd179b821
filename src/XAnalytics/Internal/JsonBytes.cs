using System.Text.Json;

namespace XAnalytics.Internal;

/// <summary>Small helpers over <see cref="Utf8JsonReader"/> that the rewriting stages share.</summary>
internal static class JsonBytes
{
    /// <summary>Reader options of every stage that re-reads an event: as deep as the parse stage allows.</summary>
    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    /// <summary>The current token as it stands in <paramref name="json"/>: a string or key with its quotes, a number, a literal.</summary>
    public static ReadOnlySpan<byte> RawToken(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        int start = (int)reader.TokenStartIndex;
        return reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName
            ? json.Slice(start, reader.ValueSpan.Length + 2)
            : json.Slice(start, reader.ValueSpan.Length);
    }

    /// <summary>The whole current value (skipping over an object or array) as it stands in <paramref name="json"/>.</summary>
    public static ReadOnlySpan<byte> RawValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            int start = (int)reader.TokenStartIndex;
            reader.Skip();
            return json[start..(int)reader.BytesConsumed];
        }

        return RawToken(ref reader, json);
    }

    /// <summary>
    /// The current string's (or key's) unescaped UTF-8: the raw bytes when there is no escape, else a copy into
    /// <paramref name="scratch"/> (grown when needed).
    /// </summary>
    public static ReadOnlySpan<byte> Unescaped(ref Utf8JsonReader reader, ref byte[] scratch)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        if (scratch.Length < reader.ValueSpan.Length)
        {
            scratch = new byte[Math.Max(reader.ValueSpan.Length, scratch.Length * 2)];
        }

        int n = reader.CopyString(scratch);
        return scratch.AsSpan(0, n);
    }

    /// <summary>
    /// True when <paramref name="text"/> is exactly one JSON value (white space around it allowed); gives its kind.
    /// </summary>
    public static bool IsSingleValue(ReadOnlySpan<byte> text, out JsonTokenType kind)
    {
        kind = JsonTokenType.None;
        var reader = new Utf8JsonReader(text, ReaderOptions);
        try
        {
            if (!reader.Read())
            {
                return false;
            }

            kind = reader.TokenType;
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
