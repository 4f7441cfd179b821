using System.Buffers.Text;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// <c>enrollment_daily.csv</c>: per course and UTC day with enrollment events, the learners who became enrolled and
/// unenrolled that day, the mode changes, and the learners enrolled at the end of the day. Follows edX's enrollment
/// state machine (<c>edx/analytics/tasks/insights/enrollments.py</c>, <c>DaysEnrolledForEvents</c>): each learner's
/// events in a course are sorted by time; the learner starts unenrolled; <c>edx.course.enrollment.activated</c>
/// enrolls only an unenrolled learner and <c>.deactivated</c> unenrolls only an enrolled one (a repeat changes
/// nothing; a deactivation without an activation before it changes nothing, as edX omits what it cannot know);
/// a day counts the change between the learner's state at the end of it and at the end of their previous day with
/// events (<c>change_since_last_day</c>), so enrolling and leaving on one day is no change.
/// </summary>
/// <remarks>
/// As edX's <c>CourseEnrollmentEventsTask.mapper</c>, the learner and course are the event's own <c>event.user_id</c>
/// and <c>event.course_id</c> (inside a browser event's JSON string too); where those are missing this report falls
/// back to the event's user (<c>context.user_id</c>, or the username) and course instead of dropping it. A mode change
/// is a <c>.mode_changed</c> event whose <c>event.mode</c> differs from the mode of the learner's previous event
/// (edX's "Subset Mode Change").
/// </remarks>
public sealed class EnrollmentDailyReport : IPartialAggregate<EnrollmentDailyPartial>
{
    private static readonly FieldPath s_eventUserId = FieldPath.Parse("event.user_id");
    private static readonly FieldPath s_eventCourseId = FieldPath.Parse("event.course_id");
    private static readonly FieldPath s_eventMode = FieldPath.Parse("event.mode");

    private readonly EventFacts _facts;

    internal EnrollmentDailyReport(EventFacts facts) => _facts = facts;

    /// <summary>The rows, by course and day; null until the run has ended.</summary>
    public IReadOnlyList<EnrollmentDailyRow>? Rows { get; private set; }

    /// <inheritdoc/>
    public EnrollmentDailyPartial CreatePartial() => new();

    /// <inheritdoc/>
    public void Accumulate(EnrollmentDailyPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(batch);
        ReadOnlySpan<EventFact> facts = _facts.Read(batch);
        for (int i = 0; i < facts.Length; i++)
        {
            ref readonly EventFact f = ref facts[i];
            if (!f.Kept || f.Enrollment == EnrollmentChange.None)
            {
                continue;
            }

            // Enrollment events are a small share of a log: reading three more fields of each is cheap.
            long user = EventUser(batch, i) is long id and > 0 ? id : f.User;
            int course = EventCourse(batch, i) is int c and >= 0 ? c : f.Course;
            if (user == 0 || course < 0)
            {
                continue;
            }

            ulong mode = batch.TryGetField(i, s_eventMode, out FieldValue m) && m.Kind == JsonTokenType.String ? XxHash3.HashToUInt64(m.Utf8) : 0;
            ref List<EnrollmentEvent>? list = ref CollectionsMarshal.GetValueRefOrAddDefault(target.Events, (course, user), out _);
            (list ??= []).Add(new EnrollmentEvent(f.Ticks, f.Enrollment, mode));
        }
    }

    /// <inheritdoc/>
    public void Merge(EnrollmentDailyPartial into, EnrollmentDailyPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
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
    public void Complete(EnrollmentDailyPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var counts = new Dictionary<(int Course, int Day), EnrollmentCounts>();
        foreach (KeyValuePair<(int Course, long User), List<EnrollmentEvent>> kv in result.Events)
        {
            AddLearner(kv.Key.Course, kv.Value, counts);
        }

        var days = new List<(string Course, int Day, EnrollmentCounts Counts)>(counts.Count);
        foreach (KeyValuePair<(int Course, int Day), EnrollmentCounts> kv in counts)
        {
            days.Add((_facts.Courses.Name(kv.Key.Course), kv.Key.Day, kv.Value));
        }

        days.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.Course, b.Course);
            return c != 0 ? c : a.Day.CompareTo(b.Day);
        });
        var rows = new List<EnrollmentDailyRow>(days.Count);
        long enrolled = 0;
        for (int i = 0; i < days.Count; i++)
        {
            if (i == 0 || days[i].Course != days[i - 1].Course)
            {
                enrolled = 0;
            }

            EnrollmentCounts c = days[i].Counts;
            enrolled += c.Activations - c.Deactivations;
            rows.Add(new EnrollmentDailyRow(days[i].Course, DateOnly.FromDayNumber(days[i].Day), c.Activations, c.Deactivations, c.ModeChanges, enrolled));
        }

        Rows = rows;
    }

    /// <summary>
    /// Runs edX's state machine (<see cref="EnrollmentDays"/>) over one learner's events in one course, adding each
    /// day's change to <paramref name="counts"/>.
    /// </summary>
    private static void AddLearner(int course, List<EnrollmentEvent> events, Dictionary<(int, int), EnrollmentCounts> counts)
    {
        events.Sort();
        var visitor = new DayCounter(course, counts);
        EnrollmentDays.Walk(events, int.MaxValue, ref visitor);
    }

    /// <summary>Adds each day's change (the state at its end against the previous day's end) to the course's counts.</summary>
    private readonly struct DayCounter(int course, Dictionary<(int, int), EnrollmentCounts> counts) : IEnrollmentDayVisitor
    {
        public void Day(int day, int nextDay, bool enrolled, bool enrolledBefore, ulong mode, long modeChanges)
        {
            ref EnrollmentCounts c = ref CollectionsMarshal.GetValueRefOrAddDefault(counts, (course, day), out _);
            c.Activations += enrolled && !enrolledBefore ? 1 : 0;
            c.Deactivations += !enrolled && enrolledBefore ? 1 : 0;
            c.ModeChanges += modeChanges;
        }
    }

    /// <summary>
    /// <c>event.user_id</c> as a 64-bit integer (digits in a string too; 0 and negative ids as well, since edX keeps any
    /// non-null id), or null.
    /// </summary>
    internal static long? EventUser(EventBatch batch, int i)
    {
        if (!batch.TryGetField(i, s_eventUserId, out FieldValue v) || v.Kind is not (JsonTokenType.Number or JsonTokenType.String) || v.HasEscapes)
        {
            return null;
        }

        return Utf8Parser.TryParse(v.Utf8, out long n, out int used) && used == v.Utf8.Length ? n : null;
    }

    /// <summary>The course of <c>event.course_id</c>, or null when it is missing or not a course id.</summary>
    private int? EventCourse(EventBatch batch, int i)
    {
        if (!batch.TryGetField(i, s_eventCourseId, out FieldValue v) || v.Kind != JsonTokenType.String)
        {
            return null;
        }

        ReadOnlySpan<byte> id = EdxValues.StrippedString(v); // unescaped when written with escapes (edX\/DemoX\/T1)
        return CourseKey.TryParse(id, out CourseKey key) ? _facts.Courses.GetId(key, CourseResolver.IsNewStyle(id, url: false)) : null;
    }

    /// <inheritdoc/>
    public string StateName => "report.enrollment-daily";

    /// <inheritdoc/>
    public int StateVersion => 1;

    /// <inheritdoc/>
    /// <remarks>The courses, then every (course, user) with its enrollment events: time (UTC ticks), change, and the mode's XXH3.</remarks>
    public void WritePartial(EnrollmentDailyPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        int[] courses = _facts.Courses.WriteSorted(writer);

        // Sorted (learners by course position and key, each one's events as the completion sorts them): the bytes do
        // not depend on the order threads met the events.
        var learners = new ((int Course, long User) Key, List<EnrollmentEvent> Events)[state.Events.Count];
        int n = 0;
        foreach (KeyValuePair<(int Course, long User), List<EnrollmentEvent>> kv in state.Events)
        {
            learners[n++] = ((kv.Key.Course < 0 ? -1 : courses[kv.Key.Course], kv.Key.User), kv.Value);
        }

        Array.Sort(learners, static (a, b) => a.Key.CompareTo(b.Key));
        writer.WriteUInt((ulong)learners.Length);
        foreach (((int course, long user), List<EnrollmentEvent> events) in learners)
        {
            writer.WriteInt(course);
            writer.WriteInt(user);
            writer.WriteUInt((ulong)events.Count);
            EnrollmentEvent[] sorted = [.. events];
            Array.Sort(sorted);
            foreach (EnrollmentEvent e in sorted)
            {
                writer.WriteInt(e.Ticks);
                writer.WriteUInt((ulong)e.Change);
                writer.WriteFixed64(e.Mode);
            }
        }
    }

    /// <inheritdoc/>
    public EnrollmentDailyPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int[] courses = _facts.Courses.ReadMap(reader);
        var partial = new EnrollmentDailyPartial();
        int n = reader.ReadCount();
        for (int i = 0; i < n; i++)
        {
            int course = CourseTable.Remap(courses, reader.ReadInt(), reader);
            long user = reader.ReadInt();
            int count = reader.ReadCount();
            var events = new List<EnrollmentEvent>(count);
            for (int k = 0; k < count; k++)
            {
                long ticks = reader.ReadInt();
                var change = (EnrollmentChange)reader.ReadUInt();
                events.Add(new EnrollmentEvent(ticks, change, reader.ReadFixed64()));
            }

            ref List<EnrollmentEvent>? list = ref CollectionsMarshal.GetValueRefOrAddDefault(partial.Events, (course, user), out _);
            if (list is null)
            {
                list = events;
            }
            else
            {
                list.AddRange(events);
            }
        }

        return partial;
    }
}
