using System.Text;

namespace XAnalytics.Events;

/// <summary>
/// A path to a field of an event: <c>event_type</c>, <c>context.course_id</c>, or the older
/// <c>event:element</c> form. Parsed once, then used for every event without allocating.
/// </summary>
/// <remarks>
/// Segments are separated by dots; a path that contains a colon is split on colons instead, which is also
/// how to name a key that itself contains a dot (<c>event:some.key</c>). A few derived fields are computed
/// rather than read: <c>day</c> is the UTC date of <c>time</c> (<c>2015-03-01</c>).
/// </remarks>
public sealed class FieldPath : IEquatable<FieldPath>
{
    private static readonly byte[] s_time = "time"u8.ToArray();

    private FieldPath(string text, string[] segments, FieldPathKind kind)
    {
        Text = text;
        Segments = segments;
        Kind = kind;
        var utf8 = new byte[segments.Length][];
        for (int i = 0; i < segments.Length; i++)
        {
            utf8[i] = Encoding.UTF8.GetBytes(segments[i]);
        }

        Utf8Segments = kind == FieldPathKind.Day ? [s_time] : utf8;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    /// <summary>The path's keys, outermost first.</summary>
    public IReadOnlyList<string> Segments { get; }

    /// <summary>Whether the field is read as it is or derived from another.</summary>
    public FieldPathKind Kind { get; }

    /// <summary>The keys as UTF-8, as the lookups compare them. For a derived field, the field it is read from.</summary>
    internal byte[][] Utf8Segments { get; }

    /// <summary>Parses a path.</summary>
    /// <exception cref="FormatException">The path is empty or has an empty segment (names the path).</exception>
    public static FieldPath Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string trimmed = path.Trim();
        if (trimmed.Length == 0)
        {
            throw new FormatException("A field path cannot be empty.");
        }

        if (trimmed == "day")
        {
            return new FieldPath(trimmed, ["day"], FieldPathKind.Day);
        }

        char separator = trimmed.Contains(':', StringComparison.Ordinal) ? ':' : '.';
        string[] segments = trimmed.Split(separator);
        foreach (string segment in segments)
        {
            if (segment.Length == 0)
            {
                throw new FormatException($"Field path '{path}' has an empty segment.");
            }
        }

        return new FieldPath(trimmed, segments, FieldPathKind.Json);
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    /// <inheritdoc/>
    public bool Equals(FieldPath? other) => other is not null && other.Text == Text;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as FieldPath);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);
}
