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
    public bool TryResolve(EventBatch batch, int index, out CourseKey key)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.TryGetField(index, s_courseId, out FieldValue id) && id.Kind == JsonTokenType.String && id.Utf8.Length > 0
            && TryCached(id, parseAsUrl: false, out key))
        {
            return true;
        }

        if (batch.TryGetField(index, s_eventType, out FieldValue type) && type.Kind == JsonTokenType.String
            && type.Utf8.StartsWith("/courses/"u8) && TryCached(type, parseAsUrl: true, out key))
        {
            return true;
        }

        if (batch.TryGetField(index, s_page, out FieldValue page) && page.Kind == JsonTokenType.String
            && page.Utf8.IndexOf("/courses/"u8) >= 0 && TryCached(page, parseAsUrl: true, out key))
        {
            return true;
        }

        if (batch.TryGetField(index, s_path, out FieldValue path) && path.Kind == JsonTokenType.String
            && path.Utf8.StartsWith("/courses/"u8) && TryCached(path, parseAsUrl: true, out key))
        {
            return true;
        }

        key = default;
        return false;
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
