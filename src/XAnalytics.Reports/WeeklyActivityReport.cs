using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// <c>weekly_activity.csv</c>: per course and ISO week (Monday to the next Monday), the distinct users with each
/// label, by the rules of edX's own pipeline (edx-analytics-pipeline, <c>edx/analytics/tasks/insights/user_activity.py</c>,
/// <c>UserActivityTask.get_predicate_labels</c> and <c>CourseActivityPartitionTask</c>):
/// <list type="bullet">
/// <item>events from <c>event_source</c> <c>task</c> and enrollment events (<c>edx.course.enrollment.*</c>) are not activity;</item>
/// <item>an event needs a user (here <c>context.user_id</c>; edX used the non-empty <c>username</c>) and a course:
/// <c>context.course_id</c>, or else the course in the event's URL, as our issue asks (edX itself calls
/// <c>get_course_id(event)</c> without <c>from_url</c>; on its acceptance logs the two agree);</item>
/// <item><c>ACTIVE</c>: every such event; <c>ATTEMPTED_PROBLEM</c>: a <c>server</c> <c>problem_check</c>;
/// <c>PLAYED_VIDEO</c>: a <c>browser</c> or <c>mobile</c> <c>play_video</c> (edX matched that name only, so a mobile
/// <c>edx.video.played</c> does not count); <c>POSTED_FORUM</c>: a <c>server</c> <c>edx.forum.*.created</c>.</item>
/// </list>
/// Also gathers distinct <c>ACTIVE</c> users per course and day (<see cref="DailyActive"/>).
/// </summary>
public sealed class WeeklyActivityReport : IPartialAggregate<WeeklyActivityPartial>
{
    /// <summary>The labels, in edX's spelling and the order the report lists them.</summary>
    public static readonly IReadOnlyList<string> LabelNames = ["ACTIVE", "ATTEMPTED_PROBLEM", "PLAYED_VIDEO", "POSTED_FORUM"];

    private static readonly ActivityLabels[] s_labels =
        [ActivityLabels.Active, ActivityLabels.AttemptedProblem, ActivityLabels.PlayedVideo, ActivityLabels.PostedForum];

    private readonly EventFacts _facts;

    internal WeeklyActivityReport(EventFacts facts) => _facts = facts;

    /// <summary>The rows, by course, week and label; null until the run has ended.</summary>
    public IReadOnlyList<WeeklyActivityRow>? Rows { get; private set; }

    /// <summary>Distinct active users per course and UTC day, by course and day; null until the run has ended.</summary>
    public IReadOnlyList<DailyActiveRow>? DailyActive { get; private set; }

    /// <inheritdoc/>
    public WeeklyActivityPartial CreatePartial() => new();

    /// <inheritdoc/>
    public void Accumulate(WeeklyActivityPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ReadOnlySpan<EventFact> facts = _facts.Read(batch);
        foreach (ref readonly EventFact f in facts)
        {
            if (!f.Kept || f.Labels == ActivityLabels.None || f.User == 0 || f.Course < 0)
            {
                continue;
            }

            // A user's events come in runs (a session in one course): the sets are only asked when something changed,
            // which spares two hash-set probes for most events.
            if (f.User == target.LastUser && f.Course == target.LastCourse && f.Day == target.LastDay
                && (f.Labels & ~target.LastLabels) == 0)
            {
                continue;
            }

            // DayNumber 0 (0001-01-01) is a Monday, so a week starts at the day number rounded down to 7.
            int week = f.Day - (f.Day % 7);
            target.Weekly.Add(WeeklyActivityPartial.WeeklyKey(f.Course, week, ActivityLabels.Active, f.User));
            if (f.Labels != ActivityLabels.Active)
            {
                for (int l = 1; l < s_labels.Length; l++)
                {
                    if ((f.Labels & s_labels[l]) != 0)
                    {
                        target.Weekly.Add(WeeklyActivityPartial.WeeklyKey(f.Course, week, s_labels[l], f.User));
                    }
                }
            }

            target.Daily.Add(WeeklyActivityPartial.DailyKey(f.Course, f.Day, f.User));
            bool same = f.User == target.LastUser && f.Course == target.LastCourse && f.Day == target.LastDay;
            target.LastLabels = same ? target.LastLabels | f.Labels : f.Labels;
            (target.LastUser, target.LastCourse, target.LastDay) = (f.User, f.Course, f.Day);
        }
    }

    /// <inheritdoc/>
    public void Merge(WeeklyActivityPartial into, WeeklyActivityPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        into.Weekly.UnionWith(from.Weekly);
        into.Daily.UnionWith(from.Daily);
    }

    /// <inheritdoc/>
    public void Complete(WeeklyActivityPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var counts = new Dictionary<(int Course, int Week, ActivityLabels Label), long>();
        foreach (PackedKey key in result.Weekly)
        {
            (int course, int week, ActivityLabels label, long _) = WeeklyActivityPartial.WeeklyFields(key);
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, (course, week, label), out _)++;
        }

        var rows = new List<WeeklyActivityRow>(counts.Count);
        foreach (KeyValuePair<(int Course, int Week, ActivityLabels Label), long> kv in counts)
        {
            var start = DateOnly.FromDayNumber(kv.Key.Week);
            rows.Add(new WeeklyActivityRow(_facts.Courses.Name(kv.Key.Course), start, start.AddDays(7), LabelNames[Array.IndexOf(s_labels, kv.Key.Label)], kv.Value));
        }

        rows.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.CourseId, b.CourseId);
            c = c != 0 ? c : a.IntervalStart.CompareTo(b.IntervalStart);
            return c != 0 ? c : LabelOrder(a.Label).CompareTo(LabelOrder(b.Label));
        });
        Rows = rows;

        var daily = new Dictionary<(int Course, int Day), long>();
        foreach (PackedKey key in result.Daily)
        {
            (int course, int day, long _) = WeeklyActivityPartial.DailyFields(key);
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(daily, (course, day), out _)++;
        }

        var dailyRows = new List<DailyActiveRow>(daily.Count);
        foreach (KeyValuePair<(int Course, int Day), long> kv in daily)
        {
            dailyRows.Add(new DailyActiveRow(_facts.Courses.Name(kv.Key.Course), DateOnly.FromDayNumber(kv.Key.Day), kv.Value));
        }

        dailyRows.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.CourseId, b.CourseId);
            return c != 0 ? c : a.Day.CompareTo(b.Day);
        });
        DailyActive = dailyRows;
    }

    private static int LabelOrder(string label)
    {
        for (int i = 0; i < LabelNames.Count; i++)
        {
            if (LabelNames[i] == label)
            {
                return i;
            }
        }

        return LabelNames.Count;
    }

    /// <inheritdoc/>
    public string StateName => "report.weekly-activity";

    /// <inheritdoc/>
    public int StateVersion => 1;

    /// <inheritdoc/>
    /// <remarks>
    /// The courses, every (course, week, label, user) and every (course, day, user). Users are the run's user keys
    /// (the numeric id, or the XXH3 of the username with bit 62 set): the same in every process.
    /// </remarks>
    public void WritePartial(WeeklyActivityPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        _facts.Courses.Write(writer);
        writer.WriteUInt((ulong)state.Weekly.Count);
        foreach (PackedKey key in state.Weekly)
        {
            (int course, int week, ActivityLabels label, long user) = WeeklyActivityPartial.WeeklyFields(key);
            writer.WriteInt(course);
            writer.WriteInt(week);
            writer.WriteUInt((ulong)label);
            writer.WriteInt(user);
        }

        writer.WriteUInt((ulong)state.Daily.Count);
        foreach (PackedKey key in state.Daily)
        {
            (int course, int day, long user) = WeeklyActivityPartial.DailyFields(key);
            writer.WriteInt(course);
            writer.WriteInt(day);
            writer.WriteInt(user);
        }
    }

    /// <inheritdoc/>
    public WeeklyActivityPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int[] courses = _facts.Courses.ReadMap(reader);
        var partial = new WeeklyActivityPartial();
        int weekly = reader.ReadCount();
        partial.Weekly.EnsureCapacity(weekly);
        for (int i = 0; i < weekly; i++)
        {
            int course = CourseTable.Remap(courses, reader.ReadInt(), reader);
            int week = (int)reader.ReadInt();
            ulong label = reader.ReadUInt();
            if (label > (ulong)ActivityLabels.PostedForum || week < 0 || week > DateOnly.MaxValue.DayNumber)
            {
                throw reader.Corrupt($"label {label}, week {week}");
            }

            partial.Weekly.Add(WeeklyActivityPartial.WeeklyKey(course, week, (ActivityLabels)label, reader.ReadInt()));
        }

        int daily = reader.ReadCount();
        partial.Daily.EnsureCapacity(daily);
        for (int i = 0; i < daily; i++)
        {
            int course = CourseTable.Remap(courses, reader.ReadInt(), reader);
            int day = (int)reader.ReadInt();
            partial.Daily.Add(WeeklyActivityPartial.DailyKey(course, day, reader.ReadInt()));
        }

        return partial;
    }
}
