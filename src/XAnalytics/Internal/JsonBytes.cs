using System.Text.Json;

namespace XAnalytics.Internal;

/// <summary>Small helpers over <see cref="Utf8JsonReader"/> that the rewriting stages share.</summary>
internal static class JsonBytes
{
    /// <summary>Reader options of every stage that re-reads an event: as deep as the parse stage allows.</summary>
    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    /// <summary>The same limit for a <see cref="JsonDocument"/> made of part of an event.</summary>
    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

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
    /// <paramref name="scratch"/> (grown when needed). Never throws (see <see cref="Unescape"/>, also for
    /// <paramref name="loneSurrogatesAsWtf8"/>).
    /// </summary>
    public static ReadOnlySpan<byte> Unescaped(ref Utf8JsonReader reader, ref byte[] scratch, bool loneSurrogatesAsWtf8 = false)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        if (scratch.Length < reader.ValueSpan.Length)
        {
            scratch = new byte[Math.Max(reader.ValueSpan.Length, scratch.Length * 2)];
        }

        int n = Unescape(reader.ValueSpan, scratch, loneSurrogatesAsWtf8);
        return scratch.AsSpan(0, n);
    }

    /// <summary>
    /// <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/> without its exception on a lone surrogate escape
    /// (a key <c>"\ud800"</c> threw <see cref="InvalidOperationException"/>, which failed the run): the token's text,
    /// unescaped as <see cref="Unescape"/> reads it, compared with <paramref name="text"/>.
    /// </summary>
    public static bool TextEquals(ref readonly Utf8JsonReader reader, ReadOnlySpan<byte> text)
    {
        ReadOnlySpan<byte> raw = reader.ValueSpan; // every reader here reads a span, never a sequence
        if (!reader.ValueIsEscaped)
        {
            return raw.SequenceEqual(text);
        }

        // Unescaped text is never longer than the escaped, and never shorter than a sixth of it.
        if (raw.Length > text.Length * 6)
        {
            return false;
        }

        Span<byte> buffer = raw.Length <= 512 ? stackalloc byte[512] : new byte[raw.Length];
        return buffer[..Unescape(raw, buffer)].SequenceEqual(text);
    }

    /// <summary>
    /// Unescapes the text of a JSON string (between its quotes, already validated) into
    /// <paramref name="destination"/>, which needs <paramref name="escaped"/>'s length at most. Returns the bytes written.
    /// </summary>
    /// <remarks>
    /// Unlike <see cref="Utf8JsonReader.CopyString(Span{byte})"/>, a lone surrogate escape (<c>\ud83d</c> left by a
    /// cut emoji, common in edX logs) becomes U+FFFD instead of throwing: one odd string must not fault a run.
    /// With <paramref name="loneSurrogatesAsWtf8"/> it becomes its generalized UTF-8 (WTF-8) bytes instead, which
    /// are not valid UTF-8: distinct lone surrogates stay distinct, and none equals any valid text (what a
    /// pseudonym, a hash of these bytes, needs: <c>x\ud800</c> and <c>x\udc00</c> are two learners, not one).
    /// </remarks>
    public static int Unescape(ReadOnlySpan<byte> escaped, Span<byte> destination, bool loneSurrogatesAsWtf8 = false)
    {
        int o = 0;
        int i = 0;
        while (i < escaped.Length)
        {
            int backslash = escaped[i..].IndexOf((byte)'\\');
            if (backslash < 0)
            {
                escaped[i..].CopyTo(destination[o..]);
                return o + escaped.Length - i;
            }

            escaped.Slice(i, backslash).CopyTo(destination[o..]);
            o += backslash;
            i += backslash + 1;
            byte e = escaped[i++];
            switch (e)
            {
                case (byte)'b': destination[o++] = 8; break;
                case (byte)'f': destination[o++] = 12; break;
                case (byte)'n': destination[o++] = 10; break;
                case (byte)'r': destination[o++] = 13; break;
                case (byte)'t': destination[o++] = 9; break;
                case (byte)'u':
                    int cp = EscapedUnit(escaped, i - 2);
                    i += 4;
                    if (LowSurrogateAfter(escaped, cp, i) is >= 0 and int low)
                    {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        i += 6;
                    }
                    else if (cp is >= 0xD800 and <= 0xDFFF or < 0)
                    {
                        if (loneSurrogatesAsWtf8 && cp >= 0)
                        {
                            destination[o++] = (byte)(0xE0 | (cp >> 12));
                            destination[o++] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                            destination[o++] = (byte)(0x80 | (cp & 0x3F));
                            break;
                        }

                        cp = 0xFFFD;
                    }

                    o += new System.Text.Rune(cp).EncodeToUtf8(destination[o..]);
                    break;
                default: destination[o++] = e; break; // \" \\ \/
            }
        }

        return o;
    }

    /// <summary>
    /// The UTF-16 unit that the <c>\\uXXXX</c> escape starting at <paramref name="at"/> (its backslash) stands for, or -1
    /// when <paramref name="json"/> has no such escape there (another escape, cut short, or not four hex digits).
    /// </summary>
    internal static int EscapedUnit(ReadOnlySpan<byte> json, int at)
    {
        if (at < 0 || at + 6 > json.Length || json[at] != (byte)'\\' || json[at + 1] != (byte)'u')
        {
            return -1;
        }

        int value = 0;
        foreach (byte h in json.Slice(at + 2, 4))
        {
            int d = h switch
            {
                >= (byte)'0' and <= (byte)'9' => h - '0',
                >= (byte)'a' and <= (byte)'f' => h - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => h - 'A' + 10,
                _ => -1,
            };
            if (d < 0)
            {
                return -1;
            }

            value = (value << 4) | d;
        }

        return value;
    }

    /// <summary>
    /// The low surrogate of the escape at <paramref name="at"/> when <paramref name="unit"/> is a high surrogate and that
    /// escape a low one (the two are one character), else -1: a high surrogate with anything else after it is lone.
    /// </summary>
    internal static int LowSurrogateAfter(ReadOnlySpan<byte> json, int unit, int at)
        => unit is >= 0xD800 and <= 0xDBFF && EscapedUnit(json, at) is >= 0xDC00 and <= 0xDFFF and int low ? low : -1;

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
