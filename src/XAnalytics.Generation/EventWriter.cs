using System.Text.Encodings.Web;
using System.Text.Json;
using XAnalytics.Internal;

namespace XAnalytics.Generation;

/// <summary>
/// Turns scheduled <see cref="EventRecord"/>s into JSON lines with <see cref="Utf8JsonWriter"/>.
/// Browser events carry their payload as a JSON string (compact, as the browser's
/// <c>JSON.stringify</c> wrote it); implicit server events carry <c>{"POST": ..., "GET": ...}</c>
/// as a string with Python's separators, as Django's <c>json.dumps</c> wrote it.
/// Owns its scratch buffers; the output buffer belongs to the caller.
/// </summary>
internal sealed partial class EventWriter : IDisposable
{
    /// <summary>Relaxed escaping keeps <c>+</c> in course ids and non-ASCII text readable, as in real logs.</summary>
    private static readonly JsonWriterOptions s_options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly PooledBufferWriter _out;
    private readonly PooledBufferWriter _inner = new(8192);
    private readonly PooledBufferWriter _text = new(8192);
    private readonly PooledBufferWriter _path = new(1024);
    private readonly Utf8JsonWriter _json;
    private readonly Utf8JsonWriter _innerJson;
    private readonly Catalog _catalog;
    private readonly List<SessionState> _sessions;
    private readonly byte[] _time = new byte[32];
    private readonly byte[] _time2 = new byte[32];
    private long _cachedSecond = long.MinValue;
    private Rng _rng;

    // The event being written.
    private SessionState _session;
    private LearnerInfo? _learner;
    private CourseInfo _course = null!;

    public EventWriter(PooledBufferWriter output, Catalog catalog, List<SessionState> sessions)
    {
        _out = output;
        _catalog = catalog;
        _sessions = sessions;
        _json = new Utf8JsonWriter(output, s_options);
        _innerJson = new Utf8JsonWriter(_inner, s_options);
    }

    /// <summary>Appends one line (with its <c>\n</c>) to the output buffer.</summary>
    public void WriteLine(in EventRecord record)
    {
        _rng = new Rng(record.Seed);
        _session = _sessions[record.Session];
        _learner = _session.Learner >= 0 ? _catalog.Learners[_session.Learner] : null;
        _course = _catalog.Courses[record.Course];
        switch (record.Bad)
        {
            case BadKind.Blank:
                if (_rng.Chance(0.3))
                {
                    _out.Write("   "u8);
                }

                _out.Write((byte)'\n');
                return;
            case BadKind.NotJson:
                WriteNotJson(record.Time);
                _out.Write((byte)'\n');
                return;
        }

        int start = _out.WrittenCount;
        FormatTime(record.Time, _time);
        _json.Reset(_out);
        WriteEvent(record);
        _json.Flush();

        int length = _out.WrittenCount - start;
        int cut = record.Bad switch
        {
            BadKind.Truncate2043 => 2043,
            BadKind.Truncate10000 => 10_000,
            BadKind.Truncate32000 => 32_000,
            BadKind.TruncateRandom => 1 + _rng.Below(Math.Max(1, length - 1)),
            _ => length,
        };
        if (cut >= length && record.Bad != BadKind.None)
        {
            cut = 1 + _rng.Below(Math.Max(1, length - 1)); // never leave a spoiled line whole
        }

        if (cut < length)
        {
            _out.Truncate(start + cut);
        }

        _out.Write((byte)'\n');
    }

    public void Dispose()
    {
        _json.Dispose();
        _innerJson.Dispose();
        _inner.Dispose();
        _text.Dispose();
        _path.Dispose();
    }

    private void WriteEvent(in EventRecord r)
    {
        switch (r.Kind)
        {
            case EventKind.ServerCourseware:
                WriteServerCourseware(r);
                break;
            case EventKind.ServerVideoHandler:
                WriteServerVideoHandler(r);
                break;
            case EventKind.ServerCoursePage:
                WriteServerCoursePage(r);
                break;
            case EventKind.ServerNoCourse:
                WriteServerNoCourse(r);
                break;
            case EventKind.ServerAnonymous:
                WriteServerAnonymous(r);
                break;
            case EventKind.ServerMobileApi:
                WriteServerMobileApi(r);
                break;
            case EventKind.LoadVideo:
            case EventKind.PlayVideo:
            case EventKind.PauseVideo:
            case EventKind.StopVideo:
            case EventKind.SeekVideo:
            case EventKind.SpeedChangeVideo:
                WriteVideo(r);
                break;
            case EventKind.SeqGoto:
            case EventKind.SeqNext:
            case EventKind.SeqPrev:
                WriteSequence(r);
                break;
            case EventKind.PageClose:
                WritePageClose(r);
                break;
            case EventKind.LinkClicked:
                WriteLinkClicked(r);
                break;
            case EventKind.ProblemCheckBrowser:
                WriteProblemCheckBrowser(r);
                break;
            case EventKind.ProblemCheckServer:
                WriteProblemCheckServer(r);
                break;
            case EventKind.EnrollmentActivated:
            case EventKind.EnrollmentDeactivated:
            case EventKind.EnrollmentModeChanged:
                WriteEnrollment(r);
                break;
            case EventKind.ForumThreadCreated:
            case EventKind.ForumResponseCreated:
            case EventKind.ForumCommentCreated:
                WriteForum(r);
                break;
            case EventKind.MobileVideo:
                WriteMobileVideo(r);
                break;
            default:
                WriteTask(r);
                break;
        }
    }

    // ---- envelopes -------------------------------------------------------------------------

    private ReadOnlySpan<byte> Username => _learner is null ? default : _learner.Username;

    private ReadOnlySpan<byte> AgentBytes => _session.Agent < 0 ? default
        : _session.Mobile ? Vocabulary.MobileAgents[_session.Agent] : _catalog.Agents[_session.Agent];

    private ReadOnlySpan<byte> Language => _learner is null ? Vocabulary.AcceptLanguages[0] : Vocabulary.AcceptLanguages[_learner.Language];

    /// <summary>The browser envelope (newer field order, with <c>name</c>); <paramref name="inner"/> becomes the string <c>event</c>.</summary>
    private void BrowserEnvelope(ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> page, ReadOnlySpan<byte> inner)
    {
        Utf8JsonWriter j = _json;
        j.WriteStartObject();
        j.WriteString(Names.Username, Username);
        j.WriteString(Names.EventSource, "browser"u8);
        j.WriteString(Names.Name, eventType);
        j.WriteString(Names.AcceptLanguage, Language);
        j.WriteString(Names.Time, _time);
        j.WriteString(Names.Agent, AgentBytes);
        j.WriteString(Names.Page, page);
        j.WriteString(Names.Host, _catalog.Host);
        WriteSessionId();
        j.WriteString(Names.Referer, page);
        j.WriteStartObject(Names.Context);
        WriteUserId();
        j.WriteString(Names.OrgId, _course.Org);
        j.WriteString(Names.CourseId, _course.Id);
        j.WriteString(Names.Path, "/event"u8);
        j.WriteEndObject();
        WriteIp();
        j.WriteString(Names.Event, inner);
        j.WriteString(Names.EventType, eventType);
        j.WriteEndObject();
    }

    /// <summary>
    /// The implicit server envelope: <c>event_type</c> is the URL path and <c>event</c> the
    /// request's POST and GET as a string. <paramref name="course"/> false leaves
    /// <c>course_id</c> empty; <paramref name="omitCourse"/> drops it altogether.
    /// </summary>
    private void ServerEnvelope(ReadOnlySpan<byte> path, ReadOnlySpan<byte> referer, ReadOnlySpan<byte> inner, bool course, bool omitCourse = false)
    {
        Utf8JsonWriter j = _json;
        j.WriteStartObject();
        j.WriteString(Names.Username, Username);
        j.WriteString(Names.EventType, path);
        WriteIp();
        j.WriteString(Names.Agent, AgentBytes);
        j.WriteString(Names.Host, _catalog.Host);
        WriteSessionId();
        j.WriteString(Names.Referer, referer);
        j.WriteString(Names.AcceptLanguage, Language);
        j.WriteString(Names.Event, inner);
        j.WriteString(Names.EventSource, "server"u8);
        j.WriteStartObject(Names.Context);
        if (course)
        {
            j.WriteStartObject(Names.CourseUserTags);
            j.WriteEndObject();
        }

        WriteUserId();
        j.WriteString(Names.OrgId, course ? _course.Org : default);
        if (!omitCourse)
        {
            j.WriteString(Names.CourseId, course ? _course.Id : default);
        }

        j.WriteString(Names.Path, path);
        j.WriteEndObject();
        j.WriteString(Names.Time, _time);
        j.WriteNull(Names.Page);
        j.WriteEndObject();
    }

    /// <summary>Opens an eventtracking-style server event (enrollment, forum); the caller writes <c>context</c> members, then calls <see cref="EndTracked"/>.</summary>
    private void BeginTracked(ReadOnlySpan<byte> source, ReadOnlySpan<byte> name, ReadOnlySpan<byte> referer)
    {
        Utf8JsonWriter j = _json;
        j.WriteStartObject();
        j.WriteString(Names.Username, Username);
        j.WriteString(Names.EventSource, source);
        j.WriteString(Names.Name, name);
        j.WriteString(Names.AcceptLanguage, source.SequenceEqual("task"u8) ? default : Language);
        j.WriteString(Names.Time, _time);
        j.WriteString(Names.Agent, AgentBytes);
        j.WriteNull(Names.Page);
        j.WriteString(Names.Host, source.SequenceEqual("task"u8) ? default : _catalog.Host);
        if (source.SequenceEqual("server"u8))
        {
            WriteSessionId();
        }
        else
        {
            j.WriteString(Names.Session, ""u8);
        }

        j.WriteString(Names.Referer, referer);
        j.WriteStartObject(Names.Context);
    }

    /// <summary>Closes <c>context</c> and writes <c>ip</c>; the caller then writes <c>event</c> and calls <see cref="Finish"/>.</summary>
    private void EndTracked(bool withIp = true)
    {
        _json.WriteEndObject();
        if (withIp)
        {
            WriteIp();
        }
        else
        {
            _json.WriteString(Names.Ip, ""u8);
        }
    }

    private void Finish(ReadOnlySpan<byte> eventType)
    {
        _json.WriteString(Names.EventType, eventType);
        _json.WriteEndObject();
    }

    private void WriteCourseContext(ReadOnlySpan<byte> path)
    {
        _json.WriteStartObject(Names.CourseUserTags);
        _json.WriteEndObject();
        WriteUserId();
        _json.WriteString(Names.OrgId, _course.Org);
        _json.WriteString(Names.CourseId, _course.Id);
        _json.WriteString(Names.Path, path);
    }

    private void WriteUserId()
    {
        if (_learner is null)
        {
            _json.WriteString(Names.UserId, ""u8);
        }
        else
        {
            _json.WriteNumber(Names.UserId, _learner.UserId);
        }
    }

    private void WriteSessionId()
    {
        Span<byte> hex = stackalloc byte[32];
        Hex(_session.IdHigh, hex[..16]);
        Hex(_session.IdLow, hex[16..]);
        _json.WriteString(Names.Session, _session.Agent < 0 ? default : hex);
    }

    private void WriteIp()
    {
        if (_session.Agent < 0)
        {
            _json.WriteString(Names.Ip, ""u8);
            return;
        }

        Span<byte> buf = stackalloc byte[48];
        _json.WriteString(Names.Ip, buf[..FormatIp(_session.IpBits, buf)]);
    }

    // ---- formatting helpers ----------------------------------------------------------------

    private static void Hex(ulong value, Span<byte> dest)
    {
        for (int i = 0; i < dest.Length; i++)
        {
            dest[i] = (byte)"0123456789abcdef"[(int)(value & 15)];
            value >>= 4;
        }
    }

    /// <summary>About 6% IPv6 (documentation prefix 2001:db8::/32), the rest public-looking IPv4.</summary>
    internal static int FormatIp(ulong bits, Span<byte> dest)
    {
        int n = 0;
        if ((bits & 0xFF) < 16)
        {
            n = Append(dest, n, "2001:db8:"u8);
            bits >>= 8;
            for (int g = 0; g < 6; g++)
            {
                if (g > 0)
                {
                    dest[n++] = (byte)':';
                }

                n += FormatHex((uint)(bits & 0xFFFF), dest[n..]);
                bits = (bits >> 9) | (bits << 55);
            }

            return n;
        }

        int first = 1 + (int)((bits >> 8) % 222);
        if (first is 10 or 127)
        {
            first++;
        }

        n += FormatInt(first, dest);
        for (int i = 1; i < 4; i++)
        {
            dest[n++] = (byte)'.';
            n += FormatInt((int)((bits >> (8 + (8 * i))) & 0xFF), dest[n..]);
        }

        return n;
    }

    private static int FormatHex(uint value, Span<byte> dest)
    {
        int digits = value >= 0x1000 ? 4 : value >= 0x100 ? 3 : value >= 0x10 ? 2 : 1;
        for (int i = digits - 1; i >= 0; i--)
        {
            dest[i] = (byte)"0123456789abcdef"[(int)(value & 15)];
            value >>= 4;
        }

        return digits;
    }

    internal static int FormatInt(long value, Span<byte> dest)
    {
        if (value < 0)
        {
            dest[0] = (byte)'-';
            return 1 + FormatInt(-value, dest[1..]);
        }

        int digits = 1;
        for (long v = value; v >= 10; v /= 10)
        {
            digits++;
        }

        for (int i = digits - 1; i >= 0; i--)
        {
            dest[i] = (byte)('0' + (value % 10));
            value /= 10;
        }

        return digits;
    }

    private static int Append(Span<byte> dest, int at, ReadOnlySpan<byte> value)
    {
        value.CopyTo(dest[at..]);
        return at + value.Length;
    }

    /// <summary>Writes <c>2015-03-01T12:34:56.123456+00:00</c> (32 bytes); the date part is cached per second.</summary>
    private void FormatTime(long micros, byte[] dest)
    {
        long second = Math.DivRem(micros, 1_000_000, out long fraction);
        if (dest != _time || second != _cachedSecond)
        {
            DateTime t = DateTime.UnixEpoch.AddSeconds(second);
            Two(dest, 0, t.Year / 100);
            Two(dest, 2, t.Year % 100);
            dest[4] = (byte)'-';
            Two(dest, 5, t.Month);
            dest[7] = (byte)'-';
            Two(dest, 8, t.Day);
            dest[10] = (byte)'T';
            Two(dest, 11, t.Hour);
            dest[13] = (byte)':';
            Two(dest, 14, t.Minute);
            dest[16] = (byte)':';
            Two(dest, 17, t.Second);
            dest[19] = (byte)'.';
            "+00:00"u8.CopyTo(dest.AsSpan(26));
            if (dest == _time)
            {
                _cachedSecond = second;
            }
        }

        for (int i = 25; i >= 20; i--)
        {
            dest[i] = (byte)('0' + (fraction % 10));
            fraction /= 10;
        }
    }

    private static void Two(byte[] dest, int at, int value)
    {
        dest[at] = (byte)('0' + (value / 10));
        dest[at + 1] = (byte)('0' + (value % 10));
    }

    /// <summary>Lines a broken logger leaves behind: a syslog fragment, a Python traceback line, NUL padding.</summary>
    private void WriteNotJson(long micros)
    {
        FormatTime(micros, _time2);
        switch (_rng.Below(4))
        {
            case 0:
                _out.Write(_time2.AsSpan(0, 19));
                _out.Write(" prod-edxapp [service_variant=lms][tracking] WARNING ioerror: connection reset while writing event"u8);
                break;
            case 1:
                _out.Write("Traceback (most recent call last):"u8);
                break;
            case 2:
                WriteNul();
                break;
            default:
                _out.Write("\"username\": "u8);
                _out.Write(Username);
                _out.Write(", \"event_type\": ..."u8);
                break;
        }
    }

    private void WriteNul()
    {
        int n = _rng.Between(16, 200);
        _out.GetSpan(n)[..n].Clear();
        _out.Advance(n);
    }
}
