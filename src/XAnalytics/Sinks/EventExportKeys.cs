using System.Text;
using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Internal;

namespace XAnalytics.Sinks;

/// <summary>
/// Where edX's event exports put an event: its export date, course (<c>eventlog.get_course_id(event, from_url=True)</c>)
/// or organization (<c>EventExportTask.get_org_id</c>), read as edX reads them. One per writer (it owns its buffers);
/// every span it returns is valid until its next call.
/// </summary>
internal sealed class EventExportKeys
{
    private static readonly FieldPath s_time = FieldPath.Parse("time");
    private static readonly FieldPath s_receivedAt = FieldPath.Parse("context.received_at");
    private static readonly FieldPath s_context = FieldPath.Parse("context");
    private static readonly FieldPath s_contextCourse = FieldPath.Parse("context.course_id");
    private static readonly FieldPath s_contextOrg = FieldPath.Parse("context.org_id");
    private static readonly FieldPath s_source = FieldPath.Parse("event_source");
    private static readonly FieldPath s_type = FieldPath.Parse("event_type");
    private static readonly FieldPath s_page = FieldPath.Parse("page");
    private static readonly FieldPath s_host = FieldPath.Parse("host");
    private static readonly FieldPath s_problemId = FieldPath.Parse("event.problem_id");
    private static readonly FieldPath s_export = FieldPath.Parse("event._export");

    private byte[] _bytes = new byte[512];
    private char[] _chars = new char[512];
    private char[] _course = new char[256];

    /// <summary>
    /// The export date: the part before <c>T</c> of <c>context.received_at</c> when the context has it, else of
    /// <c>time</c> (<c>get_event_time</c> and <c>get_event_and_date_string</c>), as written; false when that is no
    /// <c>yyyy-MM-dd</c> date (edX would name a file after whatever it is).
    /// </summary>
    public static bool TryDate(EventBatch batch, int i, out DateOnly date)
    {
        date = default;
        if (!(batch.TryGetField(i, s_receivedAt, out FieldValue v) || batch.TryGetField(i, s_time, out v)) || v.Kind != JsonTokenType.String)
        {
            return false;
        }

        ReadOnlySpan<byte> text = v.Utf8;
        int t = text.IndexOf((byte)'T');
        ReadOnlySpan<byte> day = t < 0 ? text : text[..t];
        return day.Length == 10 && day[4] == (byte)'-' && day[7] == (byte)'-'
            && DateOnly.TryParseExact(Encoding.ASCII.GetString(day), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out date);
    }

    /// <summary>
    /// <c>eventlog.get_course_id(event, from_url=True)</c>: no context, no course; a non-blank <c>context.course_id</c>
    /// (stripped) is the course when it is valid and none when not; else the course in the URL of a server event's
    /// <c>event_type</c> or a browser event's <c>page</c> (<c>opaque_key_util.get_course_key_from_url</c>).
    /// </summary>
    public bool TryCourse(EventBatch batch, int i, out ReadOnlySpan<char> course)
    {
        course = default;
        if (!batch.TryGetField(i, s_context, out FieldValue context) || context.Kind != JsonTokenType.StartObject)
        {
            return false;
        }

        if (batch.TryGetField(i, s_contextCourse, out FieldValue c) && c.Kind == JsonTokenType.String)
        {
            ReadOnlySpan<char> id = Text(c).Trim();
            if (!id.IsEmpty)
            {
                if (!CourseKey.TryParse(id, out _))
                {
                    return false;
                }

                course = Keep(id);
                return true;
            }
        }

        ReadOnlySpan<char> url = SourceUrl(batch, i);
        return TryCourseFromUrl(url, out course);
    }

    /// <summary>
    /// <c>EventExportTask.get_org_id</c>: a server event's non-blank <c>context.org_id</c>, else the organization of
    /// the course in a <c>/courses/</c> <c>event_type</c> (new-style), else that URL's third slash-separated part; a
    /// server event whose type holds no slash, the third part of <c>event.problem_id</c>; a browser event, the
    /// organization of the course in a <c>page</c> holding <c>courses</c> (new-style), else its fifth part; a mobile
    /// event, its <c>context.org_id</c>; anything else, none.
    /// </summary>
    public bool TryOrg(EventBatch batch, int i, out ReadOnlySpan<char> org)
    {
        org = default;
        if (!batch.TryGetField(i, s_source, out FieldValue s) || s.Kind != JsonTokenType.String)
        {
            return false;
        }

        bool server = s.Utf8.SequenceEqual("server"u8), browser = s.Utf8.SequenceEqual("browser"u8), mobile = s.Utf8.SequenceEqual("mobile"u8);
        if ((server || mobile) && batch.TryGetField(i, s_contextOrg, out FieldValue o) && o.Kind == JsonTokenType.String && !o.Utf8.IsEmpty)
        {
            org = Keep(Text(o));
            return true;
        }

        if (server)
        {
            if (!batch.TryGetField(i, s_type, out FieldValue t) || t.Kind != JsonTokenType.String)
            {
                return false;
            }

            ReadOnlySpan<char> type = Text(t);
            if (type.Contains("/courses/", StringComparison.Ordinal))
            {
                return OrgOfUrl(type, 2, out org);
            }

            if (type.Contains('/'))
            {
                return false;
            }

            if (!batch.TryGetField(i, s_problemId, out FieldValue p) || p.Kind != JsonTokenType.String)
            {
                return false;
            }

            ReadOnlySpan<char> problem = Text(p);
            if (!SlashPart(problem, 2, out Range part))
            {
                return false;
            }

            org = Keep(problem[part]);
            return true;
        }

        if (browser && batch.TryGetField(i, s_page, out FieldValue page) && page.Kind == JsonTokenType.String)
        {
            ReadOnlySpan<char> url = Text(page);
            return url.Contains("courses", StringComparison.Ordinal) && OrgOfUrl(url, 4, out org);
        }

        return false;
    }

    /// <summary>The host filter of <c>EventExportTask.mapper</c>: studio's and workers' (empty host) events are not exported.</summary>
    public static bool IsStudioOrWorker(EventBatch batch, int i)
        => batch.TryGetField(i, s_host, out FieldValue h) && h.Kind == JsonTokenType.String && (h.Utf8.IsEmpty || h.Utf8.SequenceEqual("studio.edx.org"u8));

    /// <summary>
    /// <c>str(event_data.get('_export', 'true')).lower() in ('n', 'f', '0', 'false', 'no')</c>: the event asks not to be
    /// exported.
    /// </summary>
    public bool IsNotForExport(EventBatch batch, int i)
    {
        if (!batch.TryGetField(i, s_export, out FieldValue v))
        {
            return false;
        }

        ReadOnlySpan<char> text = v.Kind switch
        {
            JsonTokenType.String => Text(v),
            JsonTokenType.False => "false",
            JsonTokenType.Number => Text(v),
            _ => "true",
        };
        return text.Equals("n", StringComparison.OrdinalIgnoreCase) || text.Equals("f", StringComparison.OrdinalIgnoreCase)
            || text.Equals("0", StringComparison.Ordinal) || text.Equals("false", StringComparison.OrdinalIgnoreCase)
            || text.Equals("no", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// <c>opaque_key_util.get_filename_safe_course_id</c>: the key without its namespace (<c>course-v1:</c>,
    /// <c>ccx-v1:</c>), parts joined by <c>+</c>, then every character but ASCII letters, digits, <c>_</c>, <c>.</c> and
    /// <c>-</c> replaced by <c>_</c>.
    /// </summary>
    public static void FilenameSafe(ReadOnlySpan<char> course, Span<char> into, out int length)
    {
        int colon = course.IndexOf(':');
        if (colon >= 0 && !course.Contains('/'))
        {
            course = course[(colon + 1)..];
        }

        for (int k = 0; k < course.Length; k++)
        {
            char ch = course[k];
            into[k] = char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-' ? ch : '_';
        }

        length = course.Length;
    }

    /// <summary>
    /// <c>get_course_key_from_url</c>: the course of the first <c>/xblock/BLOCK_ID</c> (a <c>block-v1:</c> or <c>ccx-block-v1:</c> id), else of the
    /// first <c>/courses/COURSE_ID</c> not followed by an API version (<c>/courses/v1/</c>); ids as edX's patterns cut them.
    /// </summary>
    internal bool TryCourseFromUrl(scoped ReadOnlySpan<char> url, out ReadOnlySpan<char> course)
    {
        course = default;
        for (int at = url.IndexOf("/xblock/", StringComparison.Ordinal); at >= 0;)
        {
            ReadOnlySpan<char> rest = url[(at + "/xblock/".Length)..];
            int length = IdLength(rest, "/?#");
            if (length > 0)
            {
                // A block id that does not parse is no course (edX returns None without trying /courses/).
                return TryBlockCourse(rest[..length], out course);
            }

            int next = url[(at + 1)..].IndexOf("/xblock/", StringComparison.Ordinal);
            at = next < 0 ? -1 : at + 1 + next;
        }

        for (int at = url.IndexOf("/courses/", StringComparison.Ordinal); at >= 0;)
        {
            ReadOnlySpan<char> rest = url[(at + "/courses/".Length)..];
            int length = IsApiVersion(rest) ? 0 : IdLength(rest, "/?");
            if (length > 0)
            {
                ReadOnlySpan<char> id = rest[..length];
                if (!CourseKey.TryParse(id, out _))
                {
                    return false;
                }

                course = Keep(id);
                return true;
            }

            int next = url[(at + 1)..].IndexOf("/courses/", StringComparison.Ordinal);
            at = next < 0 ? -1 : at + 1 + next;
        }

        return false;
    }

    /// <summary>The organization of a new-style course in the URL, else the URL's <paramref name="part"/>th slash-separated part.</summary>
    private bool OrgOfUrl(scoped ReadOnlySpan<char> url, int part, out ReadOnlySpan<char> org)
    {
        if (TryCourseFromUrl(url, out ReadOnlySpan<char> course) && !course.Contains('/'))
        {
            ReadOnlySpan<char> key = course[(course.IndexOf(':') + 1)..];
            int plus = key.IndexOf('+');
            org = plus < 0 ? key : key[..plus];
            return !org.IsEmpty;
        }

        org = default;
        if (!SlashPart(url, part, out Range found))
        {
            return false;
        }

        org = Keep(url[found]);
        return true;
    }

    /// <summary><c>get_slash_value</c>: <c>value.split('/')[index]</c>, none when there are fewer parts (an empty part is an organization edX would look up, and find in no list).</summary>
    private static bool SlashPart(ReadOnlySpan<char> value, int index, out Range part)
    {
        part = default;
        int k = 0;
        foreach (Range r in value.Split('/'))
        {
            if (k++ == index)
            {
                part = r;
                return r.GetOffsetAndLength(value.Length).Length > 0;
            }
        }

        return false;
    }

    /// <summary><c>[^/+]+(/|\+)[^/+]+(/|\+)[^TERMS]+</c> at the start of <paramref name="text"/>: its length, or 0.</summary>
    private static int IdLength(ReadOnlySpan<char> text, string lastTerminators)
    {
        int at = 0;
        for (int part = 0; part < 2; part++)
        {
            int run = text[at..].IndexOfAny('/', '+');
            if (run <= 0)
            {
                return 0;
            }

            at += run + 1;
        }

        int last = text[at..].IndexOfAny(lastTerminators);
        last = last < 0 ? text.Length - at : last;
        return last == 0 ? 0 : at + last;
    }

    /// <summary>The negative look-ahead <c>(?!v[0-9]+/[^/]+)</c>.</summary>
    private static bool IsApiVersion(ReadOnlySpan<char> rest)
    {
        if (rest.IsEmpty || rest[0] != 'v')
        {
            return false;
        }

        int digits = 1;
        while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
        {
            digits++;
        }

        return digits > 1 && digits + 1 < rest.Length && rest[digits] == '/' && rest[digits + 1] != '/';
    }

    /// <summary>
    /// <c>BlockUsageLocator.from_string(block_id).course_key</c> for <c>block-v1:ORG+COURSE+RUN+type@T+block@B</c>, and
    /// for a CCX's <c>ccx-block-v1:ORG+COURSE+RUN+ccx@N+type@T+block@B</c> (edx-ccx-keys' <c>CCXBlockUsageLocator</c>,
    /// registered as a usage key: its course is <c>ccx-v1:ORG+COURSE+RUN+ccx@N</c>).
    /// </summary>
    private bool TryBlockCourse(scoped ReadOnlySpan<char> block, out ReadOnlySpan<char> course)
    {
        course = default;
        bool ccx = block.StartsWith("ccx-block-v1:", StringComparison.Ordinal);
        if (!ccx && !block.StartsWith("block-v1:", StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> key = block[(ccx ? "ccx-block-v1:" : "block-v1:").Length..];
        int type = key.IndexOf("+type@", StringComparison.Ordinal);
        if (type <= 0 || !key[type..].Contains("+block@", StringComparison.Ordinal))
        {
            return false;
        }

        string id = string.Concat(ccx ? "ccx-v1:" : "course-v1:", key[..type]);
        if (!CourseKey.TryParse(id.AsSpan(), out _))
        {
            return false;
        }

        course = Keep(id);
        return true;
    }

    private ReadOnlySpan<char> SourceUrl(EventBatch batch, int i)
    {
        if (!batch.TryGetField(i, s_source, out FieldValue s) || s.Kind != JsonTokenType.String)
        {
            return default;
        }

        FieldPath? path = s.Utf8.SequenceEqual("server"u8) ? s_type : s.Utf8.SequenceEqual("browser"u8) ? s_page : null;
        return path is not null && batch.TryGetField(i, path, out FieldValue url) && url.Kind == JsonTokenType.String ? Text(url) : default;
    }

    /// <summary>Copies a course id out of the shared text buffer, so that the next read does not overwrite it.</summary>
    private ReadOnlySpan<char> Keep(scoped ReadOnlySpan<char> id)
    {
        if (_course.Length < id.Length)
        {
            _course = new char[id.Length * 2];
        }

        id.CopyTo(_course);
        return _course.AsSpan(0, id.Length);
    }

    /// <summary>A string's (or number's) text, unescaped and decoded into this reader's buffer.</summary>
    private ReadOnlySpan<char> Text(scoped in FieldValue v)
    {
        ReadOnlySpan<byte> utf8 = v.Utf8;
        if (v.HasEscapes)
        {
            if (_bytes.Length < utf8.Length)
            {
                _bytes = new byte[utf8.Length * 2];
            }

            utf8 = _bytes.AsSpan(0, JsonBytes.Unescape(utf8, _bytes));
        }

        if (_chars.Length < utf8.Length)
        {
            _chars = new char[utf8.Length * 2];
        }

        return _chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, _chars));
    }
}
