using System.Buffers.Text;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Formats;

namespace XAnalytics.Reports;

/// <summary>
/// Reads the facts of a batch's events once per thread, for every report in the run: in a
/// <c>CombinedAggregate</c> each part is handed the same batch in turn on the same thread, so the first report
/// to ask computes the facts and the others reuse them (the last batch is remembered by reference).
/// </summary>
/// <remarks>
/// A user is <c>context.user_id</c>: edX writes a number; a string of digits is read as that number (edX's user
/// activity keys by <c>str(user_id)</c>, which is the same text), 0 is no learner (<c>if not user_id</c>), and any
/// other value is hashed (XxHash3, bit 62 set so it cannot meet a real numeric id). An event without one (a
/// <c>desensitize</c>d archive drops the <c>user_id</c> key) is keyed by its top-level <c>username</c> (the pseudonym),
/// hashed the same way, so the learner tables of a desensitized archive are not empty. A <c>user_id</c> written as
/// null (edX's anonymous events) is no learner, whatever the username.
/// </remarks>
internal sealed class EventFacts : IDisposable
{
    private static readonly FieldPath s_time = FieldPath.Parse("time");
    private static readonly FieldPath s_context = FieldPath.Parse("context");
    private static readonly FieldPath s_eventType = FieldPath.Parse("event_type");
    private static readonly FieldPath s_eventSource = FieldPath.Parse("event_source");
    private static readonly FieldPath s_ip = FieldPath.Parse("ip");
    private static readonly FieldPath s_username = FieldPath.Parse("username");

    /// <summary>The <see cref="EventFact.NameOffset"/> or <see cref="EventFact.TypeOffset"/> of a string whose bytes are not in the event's line.</summary>
    internal const int NotInLine = -2;

    private readonly ReportFilter _filter;
    private readonly bool _readIp;
    private readonly ThreadLocal<Reader> _readers;
    private long _keptEvents;
    private long _learnerEvents;

    public EventFacts(ReportFilter filter, bool readIp)
    {
        _readIp = readIp;
        _filter = filter;
        Courses = new CourseTable();
        _readers = new ThreadLocal<Reader>(() => new Reader(this));
    }

    public CourseTable Courses { get; }

    /// <summary>The usernames the learner sections name rows by, one table for them all (<see cref="SharedTexts"/>).</summary>
    public SharedTexts Usernames { get; } = new();

    /// <summary>The server <c>problem_check</c> submissions the problem tables read, read once per event for them all.</summary>
    public ProblemSubmissions Submissions { get; } = new();

    /// <summary>Events the reports kept (a time, and the filter passed), once the run has ended.</summary>
    public long KeptEvents => Interlocked.Read(ref _keptEvents);

    /// <summary>Kept events that name a learner (a user id or a username), once the run has ended.</summary>
    public long LearnerEvents => Interlocked.Read(ref _learnerEvents);

    /// <summary>Adds the counts of a run in another process (a shard's partial file).</summary>
    public void AddCounts(long kept, long learners)
    {
        Interlocked.Add(ref _keptEvents, kept);
        Interlocked.Add(ref _learnerEvents, learners);
    }

    /// <summary>The facts of each event of <paramref name="batch"/>; valid until this thread reads another batch.</summary>
    public ReadOnlySpan<EventFact> Read(EventBatch batch) => _readers.Value!.Read(batch);

    /// <summary>
    /// The facts of each event of <paramref name="batch"/>, and this thread's <c>event</c> payloads of the batch's events,
    /// opened once for every section that asks (see <see cref="EventPayloads"/>); both valid until this thread reads
    /// another batch.
    /// </summary>
    public ReadOnlySpan<EventFact> Read(EventBatch batch, out EventPayloads payloads)
    {
        Reader reader = _readers.Value!;
        payloads = reader.Payloads;
        return reader.Read(batch);
    }

    /// <summary>
    /// The facts of one event, read alone (for a per-event projection): not remembered, and not counted in
    /// <see cref="KeptEvents"/> or <see cref="LearnerEvents"/>. <paramref name="ticks"/> is its <c>time</c> already
    /// read the same way (a string <see cref="Utf8Time"/> parses; <see cref="long.MaxValue"/> when not), so it is not
    /// parsed again.
    /// </summary>
    public EventFact ReadOne(EventBatch batch, int index, long ticks) => _readers.Value!.ReadOne(batch, index, ticks);

    /// <summary>
    /// Event <paramref name="i"/>'s top-level <c>username</c> string as its facts located it (no second lookup), or a
    /// value of kind <see cref="JsonTokenType.None"/> when it is absent or not a string.
    /// </summary>
    public static FieldValue Username(EventBatch batch, int i, in EventFact fact)
    {
        if (fact.NameOffset >= 0)
        {
            return new FieldValue(batch.GetUtf8(i).Slice(fact.NameOffset - 1, fact.NameLength + 2), JsonTokenType.String, fact.NameEscaped);
        }

        // A string that is not in the line (a value read from BSON) is looked up; absent or not a string: nothing to find.
        return fact.NameOffset == NotInLine && batch.TryGetField(i, s_username, out FieldValue name) ? name : default;
    }

    /// <summary>
    /// Event <paramref name="i"/>'s <c>event_type</c> string as written (escapes and all, see
    /// <see cref="EventFact.TypeEscaped"/>), or empty when it is absent or not a string.
    /// </summary>
    public static ReadOnlySpan<byte> TypeBytes(EventBatch batch, int i, in EventFact fact)
    {
        if (fact.TypeOffset >= 0)
        {
            return batch.GetUtf8(i).Slice(fact.TypeOffset, fact.TypeLength);
        }

        return fact.TypeOffset == NotInLine && batch.TryGetField(i, s_eventType, out FieldValue type) && type.Kind == JsonTokenType.String ? type.Utf8 : default;
    }

    public void Dispose()
    {
        _readers.Dispose();
        Submissions.Dispose();
    }

    /// <summary>The first time the report's tables read: 1970-01-01 (edX's logs begin in 2012).</summary>
    internal static DateOnly FirstDay { get; } = new(1970, 1, 1);

    /// <summary>The end (exclusive) of the times the report's tables read: 2100-01-01.</summary>
    internal static DateOnly EndDay { get; } = new(2100, 1, 1);

    private static readonly long s_firstTicks = FirstDay.ToDateTime(TimeOnly.MinValue).Ticks;
    private static readonly long s_endTicks = EndDay.ToDateTime(TimeOnly.MinValue).Ticks;

    /// <summary>Whether <paramref name="user"/> (an <see cref="EventFact.User"/>) is a hash of a non-numeric id or a username, not an id as written.</summary>
    internal static bool IsHashed(long user) => user >= 0x4000_0000_0000_0000L;

    private sealed class Reader(EventFacts owner)
    {
        private readonly CourseResolver _resolver = new();
        private const int MaxCachedCourses = 100_000;
        private readonly Dictionary<CourseKey, int> _courseIds = [];
        private readonly Dictionary<ulong, ContextCourse> _contextCourses = [];
        private ContextCourse? _lastCourse;
        private byte[] _unescaped = new byte[256];
        private TopField[] _contextFields = new TopField[16];
        private EventFact[] _facts = new EventFact[EventBatch.DefaultMaxEvents];
        private EventBatch? _last;
        private int _lastCount;

        /// <summary>The payloads of the batch whose facts these are: cleared with them.</summary>
        public EventPayloads Payloads { get; } = new();

        public ReadOnlySpan<EventFact> Read(EventBatch batch)
        {
            if (ReferenceEquals(batch, _last) && batch.Count == _lastCount)
            {
                return _facts.AsSpan(0, _lastCount);
            }

            if (_facts.Length < batch.Count)
            {
                _facts = new EventFact[batch.Count];
            }

            Payloads.Reset(batch, _facts);

            long kept = 0, learners = 0;
            for (int i = 0; i < batch.Count; i++)
            {
                _facts[i] = ReadOne(batch, i);
                kept += _facts[i].Kept ? 1 : 0;
                learners += _facts[i].Kept && _facts[i].User != 0 ? 1 : 0;
            }

            Interlocked.Add(ref owner._keptEvents, kept);
            Interlocked.Add(ref owner._learnerEvents, learners);

            _last = batch;
            _lastCount = batch.Count;
            return _facts.AsSpan(0, batch.Count);
        }

        /// <summary>One event's facts; <paramref name="knownTicks"/> is its time when the caller has read it (-1: not read).</summary>
        public EventFact ReadOne(EventBatch batch, int i, long knownTicks = -1)
        {
            var fact = new EventFact { Course = -1 };
            ReadTopFields(batch, i, out FieldValue time, out FieldValue context, out int contextField, out FieldValue t, out FieldValue s, out FieldValue ip, out FieldValue name, out fact.EventField);
            if (knownTicks >= 0)
            {
                if (knownTicks == long.MaxValue)
                {
                    return fact;
                }

                fact.Ticks = knownTicks;
            }
            else if (time.Kind != JsonTokenType.String
                || !Utf8Time.TryParseUtcTicks(time.Utf8, out fact.Ticks))
            {
                return fact;
            }

            // A clock's error (year 0001, 9999) is no time the tables can hold: their weeks, charts and daily rows end at
            // the calendar's edges (a fuzzer's 9999-12-31 failed the run) and would span centuries. Read as no time.
            if (fact.Ticks < s_firstTicks || fact.Ticks >= s_endTicks)
            {
                return fact;
            }

            fact.Day = (int)(fact.Ticks / TimeSpan.TicksPerDay);
            if (!owner._filter.KeepsDay(fact.Day))
            {
                return fact;
            }

            // One pass over the context object for course_id and user_id; the resolver (which reads URLs) only
            // when context.course_id is absent, blank or no valid course key.
            ReadContext(batch, i, context, contextField, out ReadOnlySpan<byte> contextCourse, out fact.User, out bool hasUserId);
            if (!hasUserId && name.Kind == JsonTokenType.String && !name.Utf8.IsEmpty)
            {
                fact.User = Hash(name.Utf8); // no user id (desensitized): the username or pseudonym, as written
            }
            bool hasCourse;
            bool newStyle = false;
            CourseKey course;
            int courseId;
            // normalize_course_id: Python's strip(), which also takes U+001C-U+001F and U+180E (.NET's Trim does not).
            contextCourse = EdxValues.Strip(contextCourse);
            if (!contextCourse.IsEmpty && TryContextCourse(contextCourse, out course, out courseId))
            {
                hasCourse = true;
                fact.CourseInContext = true;
            }
            else
            {
                // edX's get_course_id: a course_id given and not valid is no course, even from_url (the URL is read only
                // when there is none); the resolver still finds one for the tables that are not edX's.
                fact.ContextCourseInvalid = !contextCourse.IsEmpty;
                hasCourse = _resolver.TryResolve(batch, i, out course, out newStyle);
                courseId = -1;
            }

            if (!owner._filter.KeepsCourse(hasCourse, course))
            {
                return fact;
            }

            fact.Kept = true;
            if (hasCourse)
            {
                if (courseId < 0)
                {
                    // Found by the resolver (URL or escaped id): the id is cached by course, the form marked per event.
                    if (!_courseIds.TryGetValue(course, out courseId))
                    {
                        courseId = owner.Courses.GetId(course, newStyle);
                        _courseIds[course] = courseId;
                    }
                    else if (newStyle)
                    {
                        owner.Courses.MarkNewStyle(courseId);
                    }
                }

                fact.Course = courseId;
            }

            ReadOnlySpan<byte> type = t.Kind == JsonTokenType.String ? t.Utf8 : default;
            ReadOnlySpan<byte> source = s.Kind == JsonTokenType.String ? s.Utf8 : default;
            fact.Family = EventFamilies.Classify(type);
            fact.Type = fact.Family switch
            {
                EventFamily.Video => t.ValueEquals("play_video"u8) ? KnownEventType.PlayVideo
                    : t.ValueEquals("pause_video"u8) ? KnownEventType.PauseVideo
                    : t.ValueEquals("seek_video"u8) ? KnownEventType.SeekVideo
                    : t.ValueEquals("stop_video"u8) ? KnownEventType.StopVideo
                    : KnownEventType.Other,
                EventFamily.Problem when t.ValueEquals("problem_check"u8) => KnownEventType.ProblemCheck,
                EventFamily.Navigation when t.ValueEquals("edx.ui.lms.link_clicked"u8) => KnownEventType.LinkClicked,
                _ => KnownEventType.Other,
            };
            fact.TypeEscaped = t.Kind == JsonTokenType.String && t.HasEscapes;
            fact.ServerSource = s.Kind == JsonTokenType.String && s.ValueEquals("server"u8);
            fact.SourceEscaped = s.Kind == JsonTokenType.String && s.HasEscapes;
            if (fact.Family == EventFamily.Enrollment)
            {
                fact.Enrollment = type.SequenceEqual("edx.course.enrollment.activated"u8) ? EnrollmentChange.Activated
                    : type.SequenceEqual("edx.course.enrollment.deactivated"u8) ? EnrollmentChange.Deactivated
                    : type.SequenceEqual("edx.course.enrollment.mode_changed"u8) ? EnrollmentChange.ModeChanged
                    : EnrollmentChange.None;
            }
            else if (!source.SequenceEqual("task"u8))
            {
                fact.Labels = Labels(type, source);
            }

            // The username's and type's places, for the tables that read them (edX's student engagement, problems).
            ReadOnlySpan<byte> line = batch.GetUtf8(i);
            fact.NameOffset = fact.TypeOffset = -1;
            if (name.Kind == JsonTokenType.String)
            {
                fact.NameEscaped = name.HasEscapes;
                if (line.Overlaps(name.Utf8, out int nameOffset))
                {
                    fact.NameOffset = nameOffset;
                    fact.NameLength = name.Utf8.Length;
                }
                else
                {
                    fact.NameOffset = NotInLine;
                }
            }

            if (t.Kind == JsonTokenType.String)
            {
                if (line.Overlaps(t.Utf8, out int typeOffset))
                {
                    fact.TypeOffset = typeOffset;
                    fact.TypeLength = t.Utf8.Length;
                }
                else
                {
                    fact.TypeOffset = NotInLine;
                }
            }

            if (owner._readIp && ip.Kind == JsonTokenType.String && !ip.HasEscapes && !ip.Utf8.IsEmpty
                && batch.GetUtf8(i).Overlaps(ip.Utf8, out int offset))
            {
                fact.IpOffset = offset;
                fact.IpLength = ip.Utf8.Length;
            }

            return fact;
        }

        /// <summary>
        /// The six top-level fields the reports read, in one sweep over the event's field index (last duplicate
        /// wins, as in <see cref="EventBatch.TryGetField"/>); a missing field has kind <see cref="JsonTokenType.None"/>.
        /// The same sweep notes where <c>event</c> stands in the index (<paramref name="eventField"/>, -1 when absent),
        /// for the sections that open it (see <see cref="EventFact.EventField"/>). An event with an escaped key (rare) is
        /// read field by field instead.
        /// </summary>
        private static void ReadTopFields(
            EventBatch batch, int i, out FieldValue time, out FieldValue context, out int contextField, out FieldValue type, out FieldValue source, out FieldValue ip,
            out FieldValue username, out int eventField)
        {
            time = context = type = source = ip = username = default;
            eventField = contextField = -1;
            ReadOnlySpan<TopField> fields = batch.GetTopFields(i, out ReadOnlySpan<byte> json);
            for (int n = 0; n < fields.Length; n++)
            {
                ref readonly TopField f = ref fields[n];
                if (f.KeyEscaped)
                {
                    eventField = EventBatch.FindTopField(json, fields, "event"u8);
                    contextField = EventBatch.FindTopField(json, fields, "context"u8);
                    _ = batch.TryGetField(i, s_time, out time);
                    _ = batch.TryGetField(i, s_context, out context);
                    _ = batch.TryGetField(i, s_eventType, out type);
                    _ = batch.TryGetField(i, s_eventSource, out source);
                    _ = batch.TryGetField(i, s_ip, out ip);
                    _ = batch.TryGetField(i, s_username, out username);
                    return;
                }

                ReadOnlySpan<byte> key = json.Slice(f.KeyOffset, f.KeyLength);
                switch (key.Length)
                {
                    case 2 when key.SequenceEqual("ip"u8):
                        ip = Value(json, f);
                        break;
                    case 4 when key.SequenceEqual("time"u8):
                        time = Value(json, f);
                        break;
                    case 5 when key.SequenceEqual("event"u8):
                        eventField = n;
                        break;
                    case 7 when key.SequenceEqual("context"u8):
                        context = Value(json, f);
                        contextField = n;
                        break;
                    case 8 when key.SequenceEqual("username"u8):
                        username = Value(json, f);
                        break;
                    case 10 when key.SequenceEqual("event_type"u8):
                        type = Value(json, f);
                        break;
                    case 12 when key.SequenceEqual("event_source"u8):
                        source = Value(json, f);
                        break;
                }
            }

            static FieldValue Value(ReadOnlySpan<byte> json, in TopField f)
                => new(json.Slice(f.ValueOffset, f.ValueLength), f.Kind, f.ValueEscaped);
        }

        /// <summary>A course id seen before, found by its bytes (hash, then compared), else parsed once and remembered.</summary>
        private bool TryContextCourse(ReadOnlySpan<byte> id, out CourseKey course, out int courseId)
        {
            // Most events name the course the one before named: its bytes compared spare the hash and the lookup.
            ContextCourse? known = _lastCourse;
            if (known is not null && id.SequenceEqual(known.Utf8))
            {
                course = known.Key;
                courseId = known.Id;
                return known.Valid;
            }

            ulong hash = XxHash3.HashToUInt64(id);
            if (_contextCourses.TryGetValue(hash, out known) && id.SequenceEqual(known.Utf8))
            {
                _lastCourse = known;
                course = known.Key;
                courseId = known.Id;
                return known.Valid;
            }

            // A usage key (block-v1:, i4x://) is no course key to edX's is_valid_course_id (CourseKey.from_string): the
            // event has no context course, as there (CourseKey reads them for URLs, where they name their course).
            course = default;
            bool valid = !IsUsageKey(id) && CourseKey.TryParse(id, out course);

            // Cached by the id's text, so its form is marked once, with the id.
            courseId = valid ? owner.Courses.GetId(course, CourseResolver.IsNewStyle(id, url: false)) : -1;
            if (known is null && _contextCourses.Count < MaxCachedCourses)
            {
                _contextCourses[hash] = _lastCourse = new ContextCourse(id.ToArray(), course, courseId, valid);
            }

            return valid;
        }

        /// <summary>
        /// Reads <c>context.course_id</c> (unescaped; empty when absent or not a string) and <c>context.user_id</c>
        /// (last duplicate wins, as in <see cref="EventBatch.TryGetField"/>), from one index of the context object: the
        /// one the parse recorded (<see cref="EventBatch.TryGetContextMembers"/>), else one made here.
        /// </summary>
        private void ReadContext(EventBatch batch, int i, FieldValue context, int contextField, out ReadOnlySpan<byte> courseId, out long user, out bool hasId)
        {
            courseId = default;
            user = 0;
            hasId = false;
            if (context.Kind != JsonTokenType.StartObject)
            {
                return;
            }

            // One pass over the index picks both (two lookups cost the report 6% of its CPU); an object the fast path
            // was unsure of, or an escaped key, takes the lookups, which compare keys unescaped.
            ReadOnlySpan<byte> json;
            bool lookUp;
            if (batch.TryGetContextMembers(i, contextField, out ReadOnlySpan<TopField> index))
            {
                json = batch.GetUtf8(i); // the members' offsets are in the line
                lookUp = false;
            }
            else
            {
                var members = new ObjectMembers(context.RawJson, ref _contextFields);
                json = context.RawJson;
                index = members.Index;
                lookUp = !members.IsIndexed;
            }

            FieldValue course = default, id = default;
            bool hasCourse = false;
            foreach (ref readonly TopField member in index)
            {
                if (member.KeyEscaped)
                {
                    lookUp = true;
                    break;
                }

                ReadOnlySpan<byte> key = json.Slice(member.KeyOffset, member.KeyLength);
                if (key.SequenceEqual("course_id"u8))
                {
                    course = new FieldValue(json.Slice(member.ValueOffset, member.ValueLength), member.Kind, member.ValueEscaped);
                    hasCourse = true;
                }
                else if (key.SequenceEqual("user_id"u8))
                {
                    id = new FieldValue(json.Slice(member.ValueOffset, member.ValueLength), member.Kind, member.ValueEscaped);
                    hasId = true;
                }
            }

            if (lookUp)
            {
                var members = new ObjectMembers(context.RawJson, ref _contextFields);
                hasCourse = members.TryGet("course_id"u8, out course);
                hasId = members.TryGet("user_id"u8, out id);
            }

            if (hasCourse && course.Kind == JsonTokenType.String)
            {
                courseId = Unescaped(course);
            }

            if (hasId)
            {
                user = ReadUser(id.Kind, id.Utf8, id.HasEscapes);
            }
        }

        /// <summary>A string's text, unescaped into a buffer this reader owns when it has escapes (rare).</summary>
        private ReadOnlySpan<byte> Unescaped(FieldValue value)
        {
            if (!value.HasEscapes)
            {
                return value.Utf8;
            }

            // Unescaped text is never longer than the escaped.
            if (_unescaped.Length < value.Utf8.Length)
            {
                _unescaped = new byte[value.Utf8.Length];
            }

            return _unescaped.AsSpan(0, value.CopyTo(_unescaped));
        }

        /// <summary>edX's <c>get_predicate_labels</c> (task and enrollment events were left out before).</summary>
        private static ActivityLabels Labels(ReadOnlySpan<byte> type, ReadOnlySpan<byte> source)
        {
            ActivityLabels labels = ActivityLabels.Active;
            if (source.SequenceEqual("server"u8))
            {
                if (type.SequenceEqual("problem_check"u8))
                {
                    labels |= ActivityLabels.AttemptedProblem;
                }

                if (type.StartsWith("edx.forum."u8) && type.EndsWith(".created"u8))
                {
                    labels |= ActivityLabels.PostedForum;
                }
            }
            else if ((source.SequenceEqual("browser"u8) || source.SequenceEqual("mobile"u8)) && type.SequenceEqual("play_video"u8))
            {
                labels |= ActivityLabels.PlayedVideo;
            }

            return labels;
        }

        /// <summary>Whether a (stripped) context course id is a usage key.</summary>
        private static bool IsUsageKey(ReadOnlySpan<byte> id)
            => id.StartsWith("block-v1:"u8) || id.StartsWith("ccx-block-v1:"u8) || (id.Length >= 6 && Ascii.EqualsIgnoreCase(id[..6], "i4x://"u8));

        private static long ReadUser(JsonTokenType kind, ReadOnlySpan<byte> value, bool escaped)
        {
            if (kind == JsonTokenType.Number)
            {
                if (Utf8Parser.TryParse(value, out long n, out int used) && used == value.Length)
                {
                    return n > 0 ? n : n == 0 ? 0 : Hash(value);
                }

                // A float keeps its text (edX's user activity keys by str(user_id): 1.0 is not 1; video.py's int() is
                // read in VideoSection), but 0.0 is no learner, as edX's `if not user_id` has it.
                return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d == 0 ? 0 : Hash(value);
            }

            if (kind != JsonTokenType.String || value.IsEmpty)
            {
                return 0;
            }

            // An escaped id is hashed as written: ids are digits in practice, so this never splits a user.
            return !escaped && Utf8Parser.TryParse(value, out long m, out int consumed) && consumed == value.Length && m > 0 ? m : Hash(value);
        }

        private static long Hash(ReadOnlySpan<byte> id) => (long)((XxHash3.HashToUInt64(id) & 0x3FFF_FFFF_FFFF_FFFFUL) | 0x4000_0000_0000_0000UL);

        private sealed record ContextCourse(byte[] Utf8, CourseKey Key, int Id, bool Valid);
    }
}
