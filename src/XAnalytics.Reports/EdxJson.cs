using System.Text.Json;
using XAnalytics.Internal;

namespace XAnalytics.Reports;

/// <summary>
/// JSON kept from an event (answers, submissions, tags) read again at the end of the run, without letting one event
/// fail the run. The engine's parser takes any line edX's does; System.Text.Json refuses two things in it that Python 2
/// reads: a lone surrogate escape (<c>"\ud800x"</c>, which Python keeps and <see cref="JsonElement.GetString"/> throws
/// on; a truncated emoji in a learner's answer makes one) and nesting deeper than 64. Here a lone surrogate escape
/// reads as U+FFFD (as the engine's own unescaping reads it) and nesting up to <see cref="MaxDepth"/> is read, as deep
/// as the engine reads a line.
/// </summary>
internal static class EdxJson
{
    /// <summary>
    /// The deepest nesting read: the engine's own limit for a line (its <c>EventIndexer</c>; deeper lines are counted
    /// rejects), so whatever the run took is read here (System.Text.Json's default is 64).
    /// </summary>
    public const int MaxDepth = 256;

    /// <summary>Reader options with <see cref="MaxDepth"/>.</summary>
    public static JsonReaderOptions ReaderOptions { get; } = new() { MaxDepth = MaxDepth };

    private static readonly JsonDocumentOptions s_documentOptions = new() { MaxDepth = MaxDepth };

    /// <summary>
    /// <paramref name="json"/> parsed, its lone surrogate escapes read as U+FFFD; null when it is nested deeper than
    /// <see cref="MaxDepth"/> (or otherwise unreadable, which JSON the engine parsed is not).
    /// </summary>
    public static JsonDocument? TryParse(ReadOnlyMemory<byte> json)
    {
        ReadOnlyMemory<byte> text = HasLoneSurrogate(json.Span) ? WithoutLoneSurrogates(json.Span) : json;
        try
        {
            return JsonDocument.Parse(text, s_documentOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A string token's text unescaped (a lone surrogate escape as U+FFFD) into <paramref name="buffer"/>, which holds at least its escaped length.</summary>
    public static int CopyString(ref readonly Utf8JsonReader reader, Span<byte> buffer)
    {
        ReadOnlySpan<byte> value = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            value.CopyTo(buffer);
            return value.Length;
        }

        return JsonBytes.Unescape(value, buffer);
    }

    /// <summary>Whether some <c>\uD800</c>-<c>\uDFFF</c> escape is not half of a high-low pair.</summary>
    internal static bool HasLoneSurrogate(ReadOnlySpan<byte> json) => NextLoneSurrogate(json, 0) >= 0;

    private static byte[] WithoutLoneSurrogates(ReadOnlySpan<byte> json)
    {
        byte[] copy = json.ToArray();
        for (int at = NextLoneSurrogate(copy, 0); at >= 0; at = NextLoneSurrogate(copy, at + 6))
        {
            "\\ufffd"u8.CopyTo(copy.AsSpan(at)); // the same six bytes' length
        }

        return copy;
    }

    /// <summary>Where the next lone surrogate escape from <paramref name="from"/> starts (its backslash), or -1.</summary>
    private static int NextLoneSurrogate(ReadOnlySpan<byte> json, int from)
    {
        int i = from;
        while (true)
        {
            int slash = json[i..].IndexOf((byte)'\\');
            if (slash < 0)
            {
                return -1;
            }

            i += slash;
            if (i + 1 >= json.Length)
            {
                return -1;
            }

            int unit = JsonBytes.EscapedUnit(json, i);
            if (unit < 0)
            {
                i += 2; // \" \\ \n ...: the escaped character is never the start of another escape
                continue;
            }

            if (JsonBytes.LowSurrogateAfter(json, unit, i + 6) >= 0)
            {
                i += 12;
                continue;
            }

            if (unit is >= 0xD800 and <= 0xDFFF)
            {
                return i;
            }

            i += 6;
        }
    }
}
