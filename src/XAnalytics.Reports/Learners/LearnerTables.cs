using System.Globalization;
using System.IO.Hashing;
using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Learners;
using XAnalytics.Ordering;
using XAnalytics.Pipeline;
using XAnalytics.Reports.Reference;

namespace XAnalytics.Reports.Learners;

/// <summary>
/// The tables education researchers build from tracking logs, one learner at a time in time order (an
/// <see cref="ILearnerAnalysis{TPartial}"/>): <see cref="Sessions"/>, <see cref="TimeOnTask"/> (edx2bigquery's
/// definition) and <see cref="PersonCourse"/> (the HarvardX-MITx person-course columns logs can give).
/// </summary>
/// <remarks>
/// <para>A learner is the sort key (<c>username</c>); events without one are left out. Each table is per learner and
/// course: the course is <c>context.course_id</c>, else the one in the event's URL, as the reports find it; events
/// naming no course are left out (and counted in <see cref="Notes"/>), as are events without a readable time, those
/// the date and course filters drop, and those whose type contains <c>/xblock/</c> (edx2bigquery leaves them out).</para>
/// <para>Time on task follows mitodl/edx2bigquery (at 8a1efef, <c>edx2bigquery/make_time_on_task.py</c>,
/// <c>process_course_time_on_task</c>): over a learner's events of a course in time order, each event after the first
/// adds the gap since the previous one to the UTC day of its own time when the gap is strictly under the timeout
/// (5 and 30 minutes); video, problem, forum and text time add the gap since the previous event of the same kind
/// (see <see cref="TaskKinds"/>). A lone event adds nothing.</para>
/// <para>Each event is projected, while the run reads, to a <see cref="LearnerEvent"/> of 40 bytes (its time, course,
/// kinds, chapter and address), and only those are gathered by learner (<see cref="LearnerRecordSink{TRecord, TPartial}"/>).</para>
/// </remarks>
public sealed class LearnerTables : ILearnerAnalysis<LearnerTablesPartial>, ILearnerRecordAnalysis<LearnerEvent, LearnerTablesPartial>, ILearnerRecordStream<LearnerEvent, LearnerTablesPartial>, IDisposable
{
    private static readonly FieldPath s_page = FieldPath.Parse("page");
    private readonly EventFacts _facts;
    private readonly GeoIpCountryResolver? _geoIp;
    private readonly List<string> _notes;
    private readonly long _gap;
    private readonly long _short;
    private readonly long _long;
    private LearnerTablesPartial? _result;

    private LearnerTables(LearnerTablesOptions options, ReportFilter filter, GeoIpCountryResolver? geoIp, List<string> notes)
    {
        Options = options;
        _geoIp = geoIp;
        _notes = notes;
        _facts = new EventFacts(filter, readIp: geoIp is not null);
        _gap = options.SessionGap.Ticks;
        _short = options.ShortTimeout.Ticks;
        _long = options.LongTimeout.Ticks;
    }

    /// <summary>The options, as given.</summary>
    public LearnerTablesOptions Options { get; }

    /// <summary>The GeoIP database in use, or null (the country column is then empty).</summary>
    public string? GeoIpDatabasePath => _geoIp?.DatabasePath;

    /// <summary>Sessions, by course, learner and start; null until the run has completed.</summary>
    public IReadOnlyList<SessionRow>? Sessions { get; private set; }

    /// <summary>Time on task per learner, course and day, by course, learner and day; null until the run has completed.</summary>
    public IReadOnlyList<TimeOnTaskRow>? TimeOnTask { get; private set; }

    /// <summary>One row per learner and course, by course and learner; null until the run has completed.</summary>
    public IReadOnlyList<PersonCourseRow>? PersonCourse { get; private set; }

    /// <summary>Learners (non-empty keys) folded.</summary>
    public long Learners => _result?.Learners ?? 0;

    /// <summary>What was left out and why, in words for a user (after the run).</summary>
    public IReadOnlyList<string> Notes
    {
        get
        {
            if (_result is not { } r)
            {
                return _notes;
            }

            var notes = new List<string>(_notes);
            if (r.NoLearnerEvents > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{r.NoLearnerEvents:N0} events name no learner (no username) and are in no table."));
            }

            if (r.NoCourseEvents > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{r.NoCourseEvents:N0} events of learners name no course (neither context.course_id nor a course URL) and are in no table."));
            }

            if (r.LeftOutEvents > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{r.LeftOutEvents:N0} events of learners have no readable time or are outside --from/--to/--course, and are in no table."));
            }

            if (r.XBlockEvents > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{r.XBlockEvents:N0} events whose type contains /xblock/ are left out, as edx2bigquery leaves them out."));
            }

            if (r.People.Count == 0)
            {
                notes.Add("No learner has an event in a course: the tables are empty.");
            }

            return notes;
        }
    }

    /// <summary>Checks the options and opens the GeoIP database, so a bad path fails before the run.</summary>
    /// <exception cref="ArgumentException">A course id cannot be parsed, <see cref="LearnerTablesOptions.From"/> is after
    /// <see cref="LearnerTablesOptions.To"/>, or a gap or timeout is not positive.</exception>
    /// <exception cref="FileNotFoundException"><see cref="LearnerTablesOptions.GeoIpDatabase"/> names no database.</exception>
    public static LearnerTables Create(LearnerTablesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.From > options.To)
        {
            throw new ArgumentException($"--from {options.From:yyyy-MM-dd} is after --to {options.To:yyyy-MM-dd}.", nameof(options));
        }

        if (options.SessionGap <= TimeSpan.Zero || options.ShortTimeout <= TimeSpan.Zero || options.LongTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("The session gap and the time-on-task timeouts must be positive.", nameof(options));
        }

        var courses = new List<CourseKey>();
        foreach (string id in options.Courses)
        {
            courses.Add(CourseKey.TryParse(id.AsSpan(), out CourseKey key) ? key : throw new ArgumentException($"Not a course id: '{id}'.", nameof(options)));
        }

        var notes = new List<string>();
        string? database = options.GeoIpDatabase ?? LearnerReports.FindGeoIp(options.PublicDataDir);
        GeoIpCountryResolver? geoIp = null;
        if (database is null)
        {
            notes.Add("person_course has no country (its country column is empty): no GeoIP database (give --geoip, or set public-data-dir to a folder holding a GeoLite2-Country .mmdb).");
        }
        else
        {
            geoIp = GeoIpCountryResolver.Open(database);
        }

        return new LearnerTables(options, new ReportFilter(options.From, options.To, courses), geoIp, notes);
    }

    /// <summary>
    /// A sink that runs the tables over a run's events: each event projected to a small record while the run reads,
    /// the records gathered by learner (<c>username</c>) and time in <paramref name="sort"/>'s memory, or taken as they
    /// come when <paramref name="inputIsSorted"/> (input written by <c>sort</c> or <c>shard --sorted</c>).
    /// </summary>
    public IEventSink CreateSink(SortOptions? sort = null, bool inputIsSorted = false)
        => new LearnerRecordSink<LearnerEvent, LearnerTablesPartial>(this, sort, inputIsSorted);

    /// <inheritdoc/>
    public LearnerTablesPartial CreatePartial() => new();

    /// <inheritdoc/>
    public void Accumulate(LearnerTablesPartial target, LearnerGroup learner)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(learner);
        var records = new LearnerEvent[learner.Count];
        byte[] key = System.Text.Encoding.UTF8.GetBytes(learner.Learner);
        for (int i = 0; i < records.Length; i++)
        {
            Project(learner.Events, i, key, learner.GetTimeTicks(i), out records[i]);
        }

        Accumulate(target, learner.Learner, records);
    }

    void ILearnerRecordAnalysis<LearnerEvent, LearnerTablesPartial>.Project(EventBatch batch, int index, ReadOnlySpan<byte> learner, long ticks, out LearnerEvent record)
        => Project(batch, index, learner, ticks, out record);

    void ILearnerRecordAnalysis<LearnerEvent, LearnerTablesPartial>.Accumulate(LearnerTablesPartial target, string learner, ReadOnlySpan<LearnerEvent> records)
        => Accumulate(target, learner, records);

    /// <summary>What the tables need of one event; events without a learner are not read (they are in no table).</summary>
    private void Project(EventBatch batch, int index, ReadOnlySpan<byte> learner, long ticks, out LearnerEvent record)
    {
        record = default;
        record.Course = -1;
        if (learner.IsEmpty)
        {
            return;
        }

        EventFact f = _facts.ReadOne(batch, index, ticks); // the time as the order read it: not parsed twice
        if (!f.Kept)
        {
            return;
        }

        record.Flags = LearnerEventFlags.Kept;
        record.Ticks = f.Ticks;
        ReadOnlySpan<byte> line = batch.GetUtf8(index);
        if (f.IpLength > 0)
        {
            record.SetAddress(line.Slice(f.IpOffset, f.IpLength));
        }

        if (f.Course < 0)
        {
            return;
        }

        record.Course = f.Course;
        ReadOnlySpan<byte> type = f.TypeOffset >= 0 ? line.Slice(f.TypeOffset, f.TypeLength) : default;
        if (TaskKindRules.IsLeftOut(type))
        {
            record.Flags |= LearnerEventFlags.XBlock;
            return;
        }

        ReadOnlySpan<byte> url = type;
        if (type.IsEmpty || type[0] != '/')
        {
            url = batch.TryGetField(index, s_page, out FieldValue page) && page.Kind == JsonTokenType.String ? page.Utf8 : default;
        }

        if (Courseware(url, out record.Chapter))
        {
            record.Flags |= LearnerEventFlags.Courseware;
        }

        record.Kinds = TaskKindRules.Classify(type);
        record.Flags |= type.SequenceEqual("play_video"u8) ? LearnerEventFlags.PlayVideo : LearnerEventFlags.None;
        record.Flags |= type.SequenceEqual("problem_check"u8) ? LearnerEventFlags.ProblemCheck : LearnerEventFlags.None;
        record.Flags |= (f.Labels & ActivityLabels.PostedForum) != 0 ? LearnerEventFlags.ForumPost : LearnerEventFlags.None;
    }

    /// <summary>Folds one learner's records, in time order, into <paramref name="target"/>.</summary>
    private void Accumulate(LearnerTablesPartial target, string learner, ReadOnlySpan<LearnerEvent> records)
    {
        Begin(target, learner);
        Continue(target, records);
        End(target);
    }

    void ILearnerRecordStream<LearnerEvent, LearnerTablesPartial>.Begin(LearnerTablesPartial target, string learner) => Begin(target, learner);

    void ILearnerRecordStream<LearnerEvent, LearnerTablesPartial>.Continue(LearnerTablesPartial target, ReadOnlySpan<LearnerEvent> records) => Continue(target, records);

    void ILearnerRecordStream<LearnerEvent, LearnerTablesPartial>.End(LearnerTablesPartial target) => End(target);

    /// <summary>Starts folding <paramref name="learner"/>'s records (the shuffle hands a learner too large to load in pieces).</summary>
    private static void Begin(LearnerTablesPartial target, string learner)
    {
        target.Folding = learner;
        target.HasLastIp = false;
        target.ActiveStates = 0;
        if (learner.Length > 0)
        {
            target.Learners++;
        }
    }

    /// <summary>The next records, in time order, of the learner <see cref="Begin"/> started.</summary>
    private void Continue(LearnerTablesPartial target, ReadOnlySpan<LearnerEvent> records)
    {
        string learner = target.Folding;
        if (learner.Length == 0)
        {
            target.NoLearnerEvents += records.Length;
            return;
        }

        int lastIp = -1;
        for (int i = 0; i < records.Length; i++)
        {
            ref readonly LearnerEvent r = ref records[i];
            if ((r.Flags & LearnerEventFlags.Kept) == 0)
            {
                target.LeftOutEvents++;
                continue;
            }

            if ((r.Flags & LearnerEventFlags.HasIp) != 0)
            {
                lastIp = i; // events come in time order: the last one with an address is the learner's last address
            }

            if (r.Course < 0)
            {
                target.NoCourseEvents++;
                continue;
            }

            if ((r.Flags & LearnerEventFlags.XBlock) != 0)
            {
                target.XBlockEvents++;
                continue;
            }

            State(target, r.Course, learner).Add(
                target, r.Ticks, (int)(r.Ticks / TimeSpan.TicksPerDay), r.Kinds, (r.Flags & LearnerEventFlags.PlayVideo) != 0,
                (r.Flags & LearnerEventFlags.ProblemCheck) != 0, (r.Flags & LearnerEventFlags.ForumPost) != 0,
                (r.Flags & LearnerEventFlags.Courseware) != 0, r.Chapter);
        }

        if (lastIp >= 0)
        {
            target.LastIp = records[lastIp];
            target.HasLastIp = true;
        }
    }

    /// <summary>Ends the learner <see cref="Begin"/> started: its courses' rows.</summary>
    private void End(LearnerTablesPartial target)
    {
        if (target.Folding.Length == 0)
        {
            return;
        }

        string? country = null;
        if (_geoIp is not null)
        {
            country = target.HasLastIp ? target.LastIp.Country(_geoIp) : GeoIpCountryResolver.Unknown;
        }

        for (int s = 0; s < target.ActiveStates; s++)
        {
            target.States[s].Finish(target, country);
        }

        target.ActiveStates = 0;
    }

    /// <inheritdoc/>
    public void Merge(LearnerTablesPartial into, LearnerTablesPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        into.MergeFrom(from);
    }

    /// <inheritdoc/>
    public void Complete(LearnerTablesPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        _result = result;
        var names = new Dictionary<int, string>();
        string Name(int course)
        {
            if (!names.TryGetValue(course, out string? name))
            {
                names[course] = name = _facts.Courses.Name(course);
            }

            return name;
        }

        var chapters = new Dictionary<int, int>();
        foreach ((int course, _) in result.CourseChapters)
        {
            chapters[course] = chapters.GetValueOrDefault(course) + 1;
        }

        var sessions = new List<SessionRow>(result.Sessions.Count);
        foreach (SessionDraft d in result.Sessions)
        {
            sessions.Add(new SessionRow(Name(d.Course), d.Learner, d.StartTicks, d.EndTicks, d.Events));
        }

        sessions.Sort(static (a, b) => Compare(a.CourseId, a.Learner, b.CourseId, b.Learner) is int c and not 0 ? c : a.StartTicks.CompareTo(b.StartTicks));
        var days = new List<TimeOnTaskRow>(result.Days.Count);
        foreach (DayDraft d in result.Days)
        {
            days.Add(new TimeOnTaskRow(Name(d.Course), d.Learner, DateOnly.FromDayNumber(d.Day), d.ShortGaps, d.LongGaps));
        }

        days.Sort(static (a, b) => Compare(a.CourseId, a.Learner, b.CourseId, b.Learner) is int c and not 0 ? c : a.Day.CompareTo(b.Day));
        var people = new List<PersonCourseRow>(result.People.Count);
        foreach (PersonDraft d in result.People)
        {
            int total = chapters.GetValueOrDefault(d.Course);
            people.Add(d.Row with { CourseId = Name(d.Course), CourseChapters = total, Explored = total > 0 && 2L * d.Row.Chapters >= total });
        }

        people.Sort(static (a, b) => Compare(a.CourseId, a.Learner, b.CourseId, b.Learner));
        Sessions = sessions;
        TimeOnTask = days;
        PersonCourse = people;
    }

    /// <summary>Closes the GeoIP database.</summary>
    public void Dispose()
    {
        _geoIp?.Dispose();
        _facts.Dispose();
    }

    private static int Compare(string courseA, string learnerA, string courseB, string learnerB)
    {
        int c = string.CompareOrdinal(courseA, courseB);
        return c != 0 ? c : string.CompareOrdinal(learnerA, learnerB);
    }

    /// <summary>The learner's state for a course, from the partial's reusable ones (a learner has a few courses).</summary>
    private CourseState State(LearnerTablesPartial target, int course, string learner)
    {
        for (int s = 0; s < target.ActiveStates; s++)
        {
            if (target.States[s].Course == course)
            {
                return target.States[s];
            }
        }

        if (target.ActiveStates == target.States.Count)
        {
            target.States.Add(new CourseState());
        }

        CourseState state = target.States[target.ActiveStates++];
        state.Reset(course, learner, _gap, _short, _long);
        return state;
    }

    /// <summary>
    /// Whether <paramref name="url"/> is a course's courseware (<c>/courseware</c> after <c>/courses/</c>), and its
    /// chapter: the next path segment, hashed (0 when there is none).
    /// </summary>
    private static bool Courseware(ReadOnlySpan<byte> url, out ulong chapter)
    {
        chapter = 0;
        int courses = url.IndexOf("/courses/"u8);
        if (courses < 0)
        {
            return false;
        }

        ReadOnlySpan<byte> rest = url[(courses + 9)..];
        int at = rest.IndexOf("/courseware"u8);
        if (at < 0)
        {
            return false;
        }

        rest = rest[(at + 11)..];
        if (!rest.IsEmpty && rest[0] is not ((byte)'/' or (byte)'?' or (byte)'#'))
        {
            return false; // /coursewarefoo is another page
        }

        if (rest.Length > 1 && rest[0] == (byte)'/')
        {
            rest = rest[1..];
            int end = rest.IndexOfAny("/?#"u8);
            ReadOnlySpan<byte> segment = end < 0 ? rest : rest[..end];
            if (!segment.IsEmpty)
            {
                chapter = XxHash3.HashToUInt64(segment) | 1; // never 0, which means none
            }
        }

        return true;
    }
}
