using System.Text;
using System.Text.Json;

namespace XAnalytics.Events;

/// <summary>
/// Finds the course of an event: <c>context.course_id</c> in any shape, or else the course in the URL of an
/// implicit server event (its <c>event_type</c>), a browser event's <c>page</c>, or <c>context.path</c>.
/// </summary>
/// <remarks>
/// Not thread-safe: one per worker (a stage or aggregate partial). Course ids repeat endlessly, so parsed ids
/// are cached by their text and looked up from the event's bytes without allocating.
/// </remarks>
public sealed class CourseResolver
{
    private const int MaxCached = 100_000;
    private static readonly FieldPath s_courseId = FieldPath.Parse("context.course_id");
    private static readonly FieldPath s_eventType = FieldPath.Parse("event_type");
    private static readonly FieldPath s_page = FieldPath.Parse("page");
    private static readonly FieldPath s_path = FieldPath.Parse("context.path");
    private readonly Dictionary<string, CourseKey?> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CourseKey?>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <summary>Creates a resolver with an empty cache.</summary>
    public CourseResolver() => _lookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The event's course; false when none of its fields names one.</summary>
    public bool TryResolve(EventBatch batch, int index, out CourseKey key) => TryResolve(batch, index, out key, out _);

    /// <summary>
    /// The event's course, and whether the field it came from wrote it in the new form
    /// (<c>course-v1:Org+Num+Run</c>, or a <c>ccx-v1:</c>/<c>block-v1:</c> key of it) rather than <c>Org/Num/Run</c>:
    /// the form edX itself writes the course in. False when none of the event's fields names a course.
    /// </summary>
    public bool TryResolve(EventBatch batch, int index, out CourseKey key, out bool newStyle)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.TryGetField(index, s_courseId, out FieldValue id) && id.Kind == JsonTokenType.String && id.Utf8.Length > 0
            && TryCached(id, parseAsUrl: false, out key))
        {
            newStyle = IsNewStyle(id.Utf8, url: false);
            return true;
        }

        if (batch.TryGetField(index, s_eventType, out FieldValue type) && type.Kind == JsonTokenType.String
            && type.Utf8.StartsWith("/courses/"u8) && TryCached(type, parseAsUrl: true, out key))
        {
            newStyle = IsNewStyle(type.Utf8, url: true);
            return true;
        }

        if (batch.TryGetField(index, s_page, out FieldValue page) && page.Kind == JsonTokenType.String
            && page.Utf8.IndexOf("/courses/"u8) >= 0 && TryCached(page, parseAsUrl: true, out key))
        {
            newStyle = IsNewStyle(page.Utf8, url: true);
            return true;
        }

        if (batch.TryGetField(index, s_path, out FieldValue path) && path.Kind == JsonTokenType.String
            && path.Utf8.StartsWith("/courses/"u8) && TryCached(path, parseAsUrl: true, out key))
        {
            newStyle = IsNewStyle(path.Utf8, url: true);
            return true;
        }

        key = default;
        newStyle = false;
        return false;
    }

    /// <summary>
    /// Whether a course id (or, with <paramref name="url"/>, the course part of a URL after <c>/courses/</c>) that
    /// <see cref="CourseKey"/> parsed is in the new <c>*-v1:</c> form (the colon perhaps written <c>%3A</c>).
    /// </summary>
    internal static bool IsNewStyle(ReadOnlySpan<byte> text, bool url)
    {
        if (url)
        {
            int at = text.IndexOf("/courses/"u8);
            if (at < 0)
            {
                return false;
            }

            text = text[(at + 9)..];
            int slash = text.IndexOf((byte)'/');
            text = slash < 0 ? text : text[..slash];
        }

        return text.IndexOf("-v1:"u8) >= 0 || text.IndexOf("-v1%3A"u8) >= 0 || text.IndexOf("-v1%3a"u8) >= 0;
    }

    private bool TryCached(FieldValue value, bool parseAsUrl, out CourseKey key)
    {
        ReadOnlySpan<byte> utf8 = value.Utf8;
        if (value.HasEscapes || utf8.Length > 1024)
        {
            string? text = value.GetString();
            return Parse(text.AsSpan(), parseAsUrl, out key);
        }

        Span<char> chars = stackalloc char[utf8.Length];
        int n = Encoding.UTF8.GetChars(utf8, chars);
        ReadOnlySpan<char> span = chars[..n];
        if (parseAsUrl)
        {
            // URLs are too varied to cache: each is parsed (the course part is short).
            return CourseKey.TryFromUrl(span, out key);
        }

        if (_lookup.TryGetValue(span, out CourseKey? cached))
        {
            key = cached.GetValueOrDefault();
            return cached.HasValue;
        }

        bool ok = CourseKey.TryParse(span, out key);
        if (_cache.Count < MaxCached)
        {
            _lookup[span] = ok ? key : null;
        }

        return ok;
    }

    private static bool Parse(ReadOnlySpan<char> text, bool parseAsUrl, out CourseKey key)
        => parseAsUrl ? CourseKey.TryFromUrl(text, out key) : CourseKey.TryParse(text, out key);
}
