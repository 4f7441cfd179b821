using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// edX's enrollment tables (<c>edx/analytics/tasks/insights/enrollments.py</c>): <c>course_enrollment_daily.csv</c>
/// (<c>EnrollmentDailyDataTask</c>), <c>course_enrollment_mode_daily.csv</c> (<c>EnrollmentByModeDataTask</c>), both
/// aggregates of the per-learner, per-day records of <c>CourseEnrollmentTask</c> / <c>DaysEnrolledForEvents</c>, and
/// <c>course_enrollment_summary.csv</c> (<c>CourseEnrollmentSummaryTask.reducer</c>).
/// </summary>
/// <remarks>
/// Event selection is <c>CourseEnrollmentEventsTask.mapper</c>'s: an <c>edx.course.enrollment.activated</c>,
/// <c>.deactivated</c> or <c>.mode_changed</c> event whose <c>event</c> data (inside a browser event's JSON string too)
/// has a valid <c>course_id</c> (white space around it stripped), a <c>user_id</c> and a <c>mode</c>; anything else is
/// left out, with no fallback to the context. The interval ends (edX's <c>interval.date_b</c>) the day after
/// <see cref="ReportOptions.To"/>, or without it the day after the last day of any event the report kept: a learner
/// still enrolled then has a record for every day up to it. Each learner's records start on the day of their first
/// event (a first deactivation gives records with nothing enrolled, which count in <c>cumulative_count</c>, as in edX).
/// </remarks>
public sealed class EnrollmentSection : IPartialAggregate<EnrollmentPartial>, IReportSection
{
    private static readonly FieldPath s_eventUserId = FieldPath.Parse("event.user_id");
    private static readonly FieldPath s_eventCourseId = FieldPath.Parse("event.course_id");
    private static readonly FieldPath s_eventMode = FieldPath.Parse("event.mode");

    private readonly EventFacts _facts;
    private readonly ReportOptions _options;

    internal EnrollmentSection(EventFacts facts, ReportOptions options)
    {
        _facts = facts;
        _options = options;
        Part = AggregatePart.Of(this);
    }

    /// <summary>The name <c>--only</c> selects the section by.</summary>
    public const string SectionName = "course_enrollment";

    /// <summary><c>course_enrollment_daily.csv</c>, by date and course; null until the run has ended.</summary>
    public IReadOnlyList<CourseEnrollmentDailyRow>? Daily { get; private set; }

    /// <summary><c>course_enrollment_mode_daily.csv</c>, by date, course and mode; null until the run has ended.</summary>
    public IReadOnlyList<CourseEnrollmentModeDailyRow>? ModeDaily { get; private set; }

    /// <summary><c>course_enrollment_summary.csv</c>, by course and user id; null until the run has ended.</summary>
    public IReadOnlyList<CourseEnrollmentSummaryRow>? Summary { get; private set; }

    string IReportSection.Name => SectionName;

    IReadOnlyList<string> IReportSection.Files { get; } = [
        "course_enrollment_daily.csv", "course_enrollment_mode_daily.csv", "course_enrollment_summary.csv",
        "course_enrollment_daily.parquet", "course_enrollment_mode_daily.parquet", "course_enrollment_summary.parquet",
    ];

    /// <summary>The section's aggregate (this, as a part of the report's combined aggregate).</summary>
    internal IAggregatePart Part { get; }

    IAggregatePart IReportSection.Part => Part;

    /// <inheritdoc/>
    public EnrollmentPartial CreatePartial() => new();

    /// <inheritdoc/>
    public void Accumulate(EnrollmentPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(batch);
        ReadOnlySpan<EventFact> facts = _facts.Read(batch);
        int lastDay = target.LastDay;
        for (int i = 0; i < facts.Length; i++)
        {
            ref readonly EventFact f = ref facts[i];
            if (!f.Kept)
            {
                continue;
            }

            lastDay = Math.Max(lastDay, f.Day);
            if (f.Enrollment == EnrollmentChange.None)
            {
                continue;
            }

            // Enrollment events are a small share of a log: reading three more fields of each is cheap.
            if (EventCourse(batch, i) is not int course || EnrollmentDailyReport.EventUser(batch, i) is not long user
                || !batch.TryGetField(i, s_eventMode, out FieldValue m) || m.Kind != JsonTokenType.String)
            {
                continue;
            }

            ulong mode = XxHash3.HashToUInt64(m.Utf8);
            if (!target.Modes.ContainsKey(mode))
            {
                target.Modes[mode] = m.GetString()!;
            }

            ref List<EnrollmentEvent>? list = ref CollectionsMarshal.GetValueRefOrAddDefault(target.Events, (course, user), out _);
            (list ??= []).Add(new EnrollmentEvent(f.Ticks, f.Enrollment, mode));
        }

        target.LastDay = lastDay;
    }

    /// <inheritdoc/>
    public void Merge(EnrollmentPartial into, EnrollmentPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        into.LastDay = Math.Max(into.LastDay, from.LastDay);
        foreach (KeyValuePair<ulong, string> mode in from.Modes)
        {
            into.Modes.TryAdd(mode.Key, mode.Value);
        }

        foreach (KeyValuePair<(int, long), List<EnrollmentEvent>> kv in from.Events)
        {
            ref List<EnrollmentEvent>? list = ref CollectionsMarshal.GetValueRefOrAddDefault(into.Events, kv.Key, out _);
            if (list is null)
            {
                list = kv.Value;
            }
            else
            {
                list.AddRange(kv.Value);
            }
        }
    }

    /// <inheritdoc/>
    public void Complete(EnrollmentPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        int endDay = _options.To is { } to ? to.DayNumber + 1 : result.LastDay == int.MinValue ? 0 : result.LastDay + 1;

        // edX sorts (timestamp, event_type, mode) tuples: ties on time and type go by the mode's text, so each hash
        // becomes the rank of its text (1-based; 0 stays edX's "unknown" mode of a learner before any event).
        var names = new List<string>(result.Modes.Values);
        names.Sort(StringComparer.Ordinal);
        var rank = new Dictionary<ulong, ulong>(result.Modes.Count);
        foreach (KeyValuePair<ulong, string> kv in result.Modes)
        {
            rank[kv.Key] = (ulong)names.IndexOf(kv.Value) + 1;
        }

        var courseDeltas = new Dictionary<(int Course, int Day), Tally>();
        var modeDeltas = new Dictionary<(int Course, ulong Mode, int Day), Tally>();
        var summary = new List<CourseEnrollmentSummaryRow>();
        var endTime = DateOnly.FromDayNumber(endDay).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        foreach (KeyValuePair<(int Course, long User), List<EnrollmentEvent>> kv in result.Events)
        {
            List<EnrollmentEvent> events = kv.Value;
            for (int e = 0; e < events.Count; e++)
            {
                events[e] = events[e] with { Mode = rank[events[e].Mode] };
            }

            events.Sort();
            var visitor = new RecordCounter(kv.Key.Course, courseDeltas, modeDeltas);
            EnrollmentDays.Walk(events, endDay, ref visitor);
            if (Summarize(kv.Key.Course, kv.Key.User, events, names, endTime) is { } row)
            {
                summary.Add(row);
            }
        }

        summary.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.CourseId, b.CourseId);
            return c != 0 ? c : a.UserId.CompareTo(b.UserId);
        });
        Summary = summary;

        var daily = new List<CourseEnrollmentDailyRow>();
        foreach (IGrouping<int, KeyValuePair<(int Course, int Day), Tally>> course in courseDeltas.GroupBy(kv => kv.Key.Course))
        {
            string name = _facts.Courses.Name(course.Key);
            Expand(course.Select(kv => (kv.Key.Day, kv.Value)), endDay, (day, t) => daily.Add(new CourseEnrollmentDailyRow(day, name, t.AtEnd, t.Records)));
        }

        daily.Sort(static (a, b) =>
        {
            int c = a.Date.CompareTo(b.Date);
            return c != 0 ? c : string.CompareOrdinal(a.CourseId, b.CourseId);
        });
        Daily = daily;

        var modeDaily = new List<CourseEnrollmentModeDailyRow>();
        foreach (IGrouping<(int Course, ulong Mode), KeyValuePair<(int Course, ulong Mode, int Day), Tally>> group in modeDeltas.GroupBy(kv => (kv.Key.Course, kv.Key.Mode)))
        {
            string name = _facts.Courses.Name(group.Key.Course);
            string mode = group.Key.Mode == 0 ? "unknown" : names[(int)group.Key.Mode - 1];
            Expand(group.Select(kv => (kv.Key.Day, kv.Value)), endDay, (day, t) => modeDaily.Add(new CourseEnrollmentModeDailyRow(day, name, mode, t.AtEnd, t.Records)));
        }

        modeDaily.Sort(static (a, b) =>
        {
            int c = a.Date.CompareTo(b.Date);
            c = c != 0 ? c : string.CompareOrdinal(a.CourseId, b.CourseId);
            return c != 0 ? c : string.CompareOrdinal(a.Mode, b.Mode);
        });
        ModeDaily = modeDaily;
        // Nothing reads the partial after its rows are built: drop its tables before the next section builds its rows.
        result.Events.Clear();
        result.Events.TrimExcess();
        result.Modes.Clear();
    }

    /// <inheritdoc/>
    public string StateName => "report.course-enrollment";

    /// <inheritdoc/>
    public int StateVersion => 1;

    /// <inheritdoc/>
    /// <remarks>
    /// The last day of any kept event (zigzag), the courses (by canonical id), the modes (see
    /// <see cref="PartialTexts"/>), then per (course, learner key, in that order) its enrollment events sorted: time
    /// (zigzag UTC ticks), change (varint), the mode's XXH3 (8 bytes). Learner keys are the run's user keys, the same in
    /// every process.
    /// </remarks>
    public void WritePartial(EnrollmentPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteInt(state.LastDay);
        var usedCourses = new HashSet<int>();
        foreach ((int course, long _) in state.Events.Keys)
        {
            usedCourses.Add(course);
        }

        int[] courses = _facts.Courses.WriteSorted(writer, usedCourses);
        PartialTexts.Write(writer, hash => state.Modes[hash], [.. state.Modes.Keys]);
        var learners = new List<(int Course, long User, List<EnrollmentEvent> Events)>(state.Events.Count);
        foreach (KeyValuePair<(int Course, long User), List<EnrollmentEvent>> kv in state.Events)
        {
            learners.Add((courses[kv.Key.Course], kv.Key.User, kv.Value));
        }

        learners.Sort(static (a, b) => a.Course != b.Course ? a.Course.CompareTo(b.Course) : a.User.CompareTo(b.User));
        writer.WriteUInt((ulong)learners.Count);
        foreach ((int course, long user, List<EnrollmentEvent> events) in learners)
        {
            events.Sort();
            writer.WriteUInt((ulong)course);
            writer.WriteInt(user);
            writer.WriteUInt((ulong)events.Count);
            foreach (EnrollmentEvent e in events)
            {
                writer.WriteInt(e.Ticks);
                writer.WriteUInt((ulong)e.Change);
                writer.WriteFixed64(e.Mode);
            }
        }
    }

    /// <inheritdoc/>
    public EnrollmentPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var partial = new EnrollmentPartial();
        long lastDay = reader.ReadInt();
        partial.LastDay = lastDay is >= int.MinValue and <= int.MaxValue ? (int)lastDay : throw reader.Corrupt($"a last day of {lastDay}");
        int[] courses = _facts.Courses.ReadMap(reader);
        PartialTexts.Read(reader, (hash, mode) => partial.Modes.TryAdd(hash, mode));
        int n = reader.ReadCount();
        for (int i = 0; i < n; i++)
        {
            int course = CourseTable.Remap(courses, reader.ReadCount(), reader);
            long user = reader.ReadInt();
            int count = reader.ReadCount();
            ref List<EnrollmentEvent>? list = ref CollectionsMarshal.GetValueRefOrAddDefault(partial.Events, (course, user), out _);
            list ??= new List<EnrollmentEvent>(Math.Min(count, 1 << 12));
            for (int e = 0; e < count; e++)
            {
                long ticks = reader.ReadInt();
                ulong change = reader.ReadUInt();
                if (change > byte.MaxValue || !Enum.IsDefined((EnrollmentChange)change))
                {
                    throw reader.Corrupt($"an enrollment change of {change}");
                }

                list.Add(new EnrollmentEvent(ticks, (EnrollmentChange)change, reader.ReadFixed64()));
            }
        }

        return partial;
    }

    void IReportSection.Write(string directory, List<string> written, ReportFormat format)
    {
        using (var table = new ReportTable(directory, "course_enrollment_daily", format, ReportTable.Day("date"), ReportTable.Text("course_id"), ReportTable.Count("count"),
            ReportTable.Count("cumulative_count")))
        {
            foreach (CourseEnrollmentDailyRow r in Daily ?? [])
            {
                table.Add(r.Date).Add(r.CourseId).Add(r.Count).Add(r.CumulativeCount).EndRow();
            }

            table.Complete();
            written.Add(table.FileName);
        }

        using (var table = new ReportTable(directory, "course_enrollment_mode_daily", format, ReportTable.Day("date"), ReportTable.Text("course_id"), ReportTable.Text("mode"),
            ReportTable.Count("count"), ReportTable.Count("cumulative_count")))
        {
            foreach (CourseEnrollmentModeDailyRow r in ModeDaily ?? [])
            {
                table.Add(r.Date).Add(r.CourseId).Add(r.Mode).Add(r.Count).Add(r.CumulativeCount).EndRow();
            }

            table.Complete();
            written.Add(table.FileName);
        }

        // Times stay edX's text (microseconds, no zone): the Parquet columns are strings, as the CSV's are.
        using (var table = new ReportTable(directory, "course_enrollment_summary", format, ReportTable.Text("course_id"), ReportTable.Count("user_id"),
            ReportTable.Text("current_enrollment_mode"), ReportTable.Count("current_enrollment_is_active"), ReportTable.Text("first_enrollment_mode"),
            ReportTable.Time("first_enrollment_time"), ReportTable.Time("last_unenrollment_time"), ReportTable.Time("first_verified_enrollment_time"),
            ReportTable.Time("first_credit_enrollment_time"), ReportTable.Time("end_time")))
        {
            foreach (CourseEnrollmentSummaryRow r in Summary ?? [])
            {
                table.Add(r.CourseId).Add(r.UserId).Add(r.CurrentEnrollmentMode).Add(r.CurrentEnrollmentIsActive ? 1 : 0).Add(r.FirstEnrollmentMode)
                    .Add(Timestamp(r.FirstEnrollmentTime)).Add(Timestamp(r.LastUnenrollmentTime)).Add(Timestamp(r.FirstVerifiedEnrollmentTime))
                    .Add(Timestamp(r.FirstCreditEnrollmentTime)).Add(Timestamp(r.EndTime)).EndRow();
            }

            table.Complete();
            written.Add(table.FileName);
        }
    }

    void IReportSection.AppendHtml(StringBuilder html)
    {
        IReadOnlyList<CourseEnrollmentDailyRow> daily = Daily ?? [];
        html.Append("<h2>Course enrollment (edX)</h2>\n<p class=\"note\">Learners enrolled at the end of each day and learners with an enrollment record by then, "
            + "by edX's enrollment state machine (enrollments.py). <a href=\"course_enrollment_daily.csv\">course_enrollment_daily.csv</a>, "
            + "by mode <a href=\"course_enrollment_mode_daily.csv\">course_enrollment_mode_daily.csv</a>, per learner "
            + "<a href=\"course_enrollment_summary.csv\">course_enrollment_summary.csv</a></p>\n");
        ReportWriter.Table(html, ["date", "course", "enrolled", "cumulative"], daily.Count, i =>
        {
            CourseEnrollmentDailyRow r = daily[i];
            return [CsvTable.Date(r.Date), r.CourseId, ReportWriter.N(r.Count), ReportWriter.N(r.CumulativeCount)];
        }, numeric: [2, 3]);
    }

    /// <summary>edX's DateTimeField text: <c>2014-08-01 17:09:59.941616</c>.</summary>
    internal static string? Timestamp(DateTime? time) => time?.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    /// <summary>
    /// One row per day from the first day with a delta up to <paramref name="endDay"/> (exclusive) on which some
    /// learner has a record (edX writes no row for a group without records).
    /// </summary>
    private static void Expand(IEnumerable<(int Day, Tally Delta)> deltas, int endDay, Action<DateOnly, Tally> row)
    {
        var sorted = deltas.ToList();
        sorted.Sort(static (a, b) => a.Day.CompareTo(b.Day));
        Tally running = default;
        int next = 0;
        for (int day = sorted.Count == 0 ? endDay : sorted[0].Day; day < endDay; day++)
        {
            while (next < sorted.Count && sorted[next].Day == day)
            {
                running.AtEnd += sorted[next].Delta.AtEnd;
                running.Records += sorted[next].Delta.Records;
                next++;
            }

            if (running.Records > 0)
            {
                row(DateOnly.FromDayNumber(day), running);
            }
        }
    }

    /// <summary><c>CourseEnrollmentSummaryTask.reducer</c> over one learner's sorted events in one course; null when no activation enrolled them.</summary>
    private CourseEnrollmentSummaryRow? Summarize(int course, long user, List<EnrollmentEvent> events, List<string> names, DateTime endTime)
    {
        bool enrolled = false;
        long? firstEnroll = null, lastUnenroll = null, firstVerified = null, firstCredit = null;
        ulong firstMode = 0, recentMode = 0;
        var seenModes = new HashSet<ulong>();
        foreach (EnrollmentEvent ev in events)
        {
            if (enrolled && ev.Change == EnrollmentChange.Deactivated)
            {
                enrolled = false;
                lastUnenroll = ev.Ticks;
            }
            else if ((!enrolled && ev.Change == EnrollmentChange.Activated) || (enrolled && ev.Change == EnrollmentChange.ModeChanged))
            {
                if (ev.Change == EnrollmentChange.Activated)
                {
                    enrolled = true;
                    if (firstEnroll is null)
                    {
                        firstEnroll = ev.Ticks;
                        firstMode = ev.Mode;
                    }
                }

                // The most recent mode comes from activations and enrolled mode changes; first_event_by_mode keeps
                // each mode's first such event.
                recentMode = ev.Mode;
                if (seenModes.Add(ev.Mode))
                {
                    string name = names[(int)ev.Mode - 1];
                    if (name == "verified")
                    {
                        firstVerified = ev.Ticks;
                    }
                    else if (name == "credit")
                    {
                        firstCredit = ev.Ticks;
                    }
                }
            }
        }

        if (firstEnroll is not long first)
        {
            return null; // "Discard User_Course With Missing Enrollment Event"
        }

        return new CourseEnrollmentSummaryRow(
            _facts.Courses.Name(course), user, names[(int)recentMode - 1], enrolled, names[(int)firstMode - 1], Utc(first),
            lastUnenroll is long u ? Utc(u) : null, firstVerified is long v ? Utc(v) : null, firstCredit is long c ? Utc(c) : null, endTime);

        static DateTime Utc(long ticks) => new(ticks, DateTimeKind.Utc);
    }

    /// <summary>
    /// The course of <c>event.course_id</c> (unescaped, white space around it stripped, as edX's JSON decoder and
    /// <c>normalize_course_id</c> leave it), or null.
    /// </summary>
    private int? EventCourse(EventBatch batch, int i)
    {
        if (!batch.TryGetField(i, s_eventCourseId, out FieldValue v) || v.Kind != JsonTokenType.String)
        {
            return null;
        }

        ReadOnlySpan<byte> id = EdxValues.StrippedString(v);
        return CourseKey.TryParse(id, out CourseKey key) ? _facts.Courses.GetId(key, CourseResolver.IsNewStyle(id, url: false)) : null;
    }

    /// <summary>Adds each learner-day record of <c>DaysEnrolledForEvents</c> as deltas: +1 from a day, -1 from the next event's day.</summary>
    private readonly struct RecordCounter(
        int course, Dictionary<(int Course, int Day), Tally> courseDeltas, Dictionary<(int Course, ulong Mode, int Day), Tally> modeDeltas) : IEnrollmentDayVisitor
    {
        public void Day(int day, int nextDay, bool enrolled, bool enrolledBefore, ulong mode, long modeChanges)
        {
            long atEnd = enrolled ? 1 : 0;
            Add(ref CollectionsMarshal.GetValueRefOrAddDefault(courseDeltas, (course, day), out _), atEnd, 1);
            Add(ref CollectionsMarshal.GetValueRefOrAddDefault(courseDeltas, (course, nextDay), out _), -atEnd, -1);
            Add(ref CollectionsMarshal.GetValueRefOrAddDefault(modeDeltas, (course, mode, day), out _), atEnd, 1);
            Add(ref CollectionsMarshal.GetValueRefOrAddDefault(modeDeltas, (course, mode, nextDay), out _), -atEnd, -1);
        }

        private static void Add(ref Tally t, long atEnd, long records)
        {
            t.AtEnd += atEnd;
            t.Records += records;
        }
    }

    /// <summary>Learners enrolled at the end of a day, and learners with a record that day (or a change of both).</summary>
    [StructLayout(LayoutKind.Auto)]
    private struct Tally
    {
        public long AtEnd;
        public long Records;
    }
}
