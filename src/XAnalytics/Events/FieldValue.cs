using System.Text;
using System.Text.Json;

namespace XAnalytics.Events;

/// <summary>
/// A field's value as a view into the event's UTF-8 JSON: nothing is copied or decoded until asked for.
/// Valid only while the batch it came from is alive and unchanged.
/// </summary>
public readonly ref struct FieldValue
{
    internal FieldValue(ReadOnlySpan<byte> rawJson, JsonTokenType kind, bool hasEscapes)
    {
        RawJson = rawJson;
        Kind = kind;
        HasEscapes = hasEscapes;
    }

    /// <summary>The JSON token kind: String, Number, True, False, Null, StartObject or StartArray.</summary>
    public JsonTokenType Kind { get; }

    /// <summary>The value as it stands in the JSON text: a string with its quotes, an object or array whole.</summary>
    public ReadOnlySpan<byte> RawJson { get; }

    /// <summary>True when a string value contains escape sequences (<c>\"</c>, <c>\u00e9</c>...).</summary>
    public bool HasEscapes { get; }

    /// <summary>True for JSON <c>null</c>.</summary>
    public bool IsNull => Kind == JsonTokenType.Null;

    /// <summary>
    /// For a string, its content between the quotes, still escaped if <see cref="HasEscapes"/>;
    /// for anything else, the raw JSON text.
    /// </summary>
    public ReadOnlySpan<byte> Utf8 => Kind == JsonTokenType.String ? RawJson[1..^1] : RawJson;

    /// <summary>
    /// The value as text: a string unescaped; a number, boolean, object or array as its JSON text; null as null.
    /// Allocates; use <see cref="Utf8"/> or <see cref="ValueEquals"/> on hot paths.
    /// </summary>
    public string? GetString()
    {
        if (Kind == JsonTokenType.Null)
        {
            return null;
        }

        if (Kind != JsonTokenType.String || !HasEscapes)
        {
            return Encoding.UTF8.GetString(Utf8);
        }

        byte[] buffer = new byte[RawJson.Length];
        return Encoding.UTF8.GetString(buffer, 0, Internal.JsonBytes.Unescape(Utf8, buffer));
    }

    /// <summary>Compares a string value (unescaped) or any other value's JSON text with <paramref name="utf8"/>.</summary>
    public bool ValueEquals(ReadOnlySpan<byte> utf8)
    {
        if (Kind != JsonTokenType.String || !HasEscapes)
        {
            return Utf8.SequenceEqual(utf8);
        }

        // Unescaped text is never longer than its escaped form; a lone surrogate escape compares as U+FFFD.
        if (utf8.Length > Utf8.Length)
        {
            return false;
        }

        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Utf8.Length);
        try
        {
            int n = Internal.JsonBytes.Unescape(Utf8, buffer);
            return buffer.AsSpan(0, n).SequenceEqual(utf8);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Copies the value's text (a string unescaped, anything else as JSON) into <paramref name="destination"/>.
    /// Returns the bytes written, or -1 when it does not fit.
    /// </summary>
    public int CopyTo(Span<byte> destination)
    {
        if (Kind != JsonTokenType.String || !HasEscapes)
        {
            ReadOnlySpan<byte> text = Utf8;
            return text.TryCopyTo(destination) ? text.Length : -1;
        }

        // Unescaped text is never longer than its escaped form.
        if (destination.Length < RawJson.Length)
        {
            return -1;
        }

        return Internal.JsonBytes.Unescape(Utf8, destination);
    }
}
