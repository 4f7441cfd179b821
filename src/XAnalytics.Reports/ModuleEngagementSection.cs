using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// <c>module_engagement.csv</c> and <c>module_engagement_metric_ranges.csv</c>: edX's per-module engagement
/// (<c>edx/analytics/tasks/insights/module_engagement.py</c>), computed as edX computes it:
/// <list type="number">
/// <item><c>ModuleEngagementDataTask.mapper</c>: an event with a time, a <c>username</c> that is not blank once stripped
/// and at most 30 characters (edX's default <c>store_anonymous_username</c> is empty: anonymous events are dropped), an
/// <c>event_type</c> and a course (<c>get_course_id(event, from_url=True)</c>), whose <c>event</c> is an object
/// (<c>get_event_data</c>). <c>get_user_actions_from_event</c>: a <c>server</c> <c>problem_check</c> is an
/// <c>attempted</c> of the <c>problem</c> <c>event.problem_id</c>, and also a <c>completed</c> when
/// <c>event.success</c> is <c>correct</c> (any case); a <c>play_video</c> of any source is a <c>viewed</c> of the
/// <c>video</c> <c>event.id</c> (stripped); an <c>edx.forum.*.created</c> event is a <c>contributed</c> of the
/// <c>discussion</c> <c>event.commentable_id</c> (other forum events have no action); an empty entity id drops the
/// event. <c>reducer</c>: the count per date, course, username, entity and action.</item>
/// <item><c>ModuleEngagementSummaryDataTask</c> (over the week <c>[date - 7, date)</c>): per course and learner, problem
/// attempts (summed), distinct problems attempted and completed, attempts per completed problem (infinite with none
/// completed), distinct videos viewed, discussion contributions (summed), days active.</item>
/// <item><c>ModuleEngagementSummaryMetricRangesDataTask.reducer</c>: per course and metric (in name order), numpy's
/// 15th and 85th percentiles of the learners' values (linear interpolation, computed as numpy 1.x did:
/// <c>lower * (1 - f) + upper * f</c>, so an infinite neighbour can make NaN, which edX turns into infinity); a
/// learner with no problem attempts has no <c>problem_attempts_per_completed</c>. Ranges: <c>low</c> [0, p15) when
/// p15 &gt; 0; <c>normal</c> [p15, ∞) when p15 = p85, else [p15, p85) and <c>high</c> [p85, ∞). A metric no
/// learner has (attempts per completion with no attempts in the course) is one <c>normal</c> [0, ∞) range.</item>
/// </list>
/// edX computes the ranges for the week before <c>--date</c> (exclusive); here the week ends on <c>--to</c> (inclusive:
/// <c>start_date</c> = <c>--to</c> - 6 days, <c>end_date</c> = <c>--to</c> + 1 day), or without <c>--to</c> on the last UTC
/// day of any event the report kept. Infinity (edX's <c>float('inf')</c>, NULL in its MySQL table) is an empty field;
/// other bounds are written as MySQL's single-precision <c>FLOAT</c> column shows them (0.45, not 0.44999999999999996).
/// </summary>
/// <remarks>
/// Memory: one count per (day, course, learner, entity, action) seen: the size of the table written. edX truncates
/// entity ids to 255 characters (<c>truncate=True</c>); so does this section.
/// </remarks>
public sealed class ModuleEngagementSection : IPartialAggregate<ModuleEngagementPartial>, IReportSection
{
    /// <summary>The section's name for <c>--only</c>.</summary>
    public const string SectionName = "module_engagement";

    /// <summary>The percentiles that bound the normal range (edX's <c>low_percentile</c> and <c>high_percentile</c> defaults).</summary>
    public const double LowPercentile = 15.0, HighPercentile = 85.0;

    private const int MaxUsernameLength = 30;
    private const int MaxEntityIdLength = 255;

    private static readonly string[] s_entityNames = ["discussion", "problem", "video"];
    private static readonly string[] s_actionNames = ["attempted", "completed", "contributed", "viewed"];

    private readonly EventFacts _facts;
    private readonly DateOnly? _to;

    internal ModuleEngagementSection(EventFacts facts, ReportOptions options)
    {
        _facts = facts;
        _to = options.To;
        Part = AggregatePart.Of(this);
    }

    /// <summary>The counts, by date, course, username, entity and action; null until the run has ended.</summary>
    public IReadOnlyList<ModuleEngagementRow>? Rows { get; private set; }

    /// <summary>The metric ranges of the week (see the class remarks), by course; null until the run has ended.</summary>
    public IReadOnlyList<ModuleEngagementMetricRangeRow>? MetricRanges { get; private set; }

    string IReportSection.Name => SectionName;

    IReadOnlyList<string> IReportSection.Files { get; } = ["module_engagement.csv", "module_engagement_metric_ranges.csv", "module_engagement.parquet", "module_engagement_metric_ranges.parquet"];

    internal IAggregatePart Part { get; }

    IAggregatePart IReportSection.Part => Part;

    /// <inheritdoc/>
    public ModuleEngagementPartial CreatePartial() => new();

    /// <inheritdoc/>
    public void Accumulate(ModuleEngagementPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(batch);
        ReadOnlySpan<EventFact> facts = _facts.Read(batch, out EventPayloads payloads);
        int maxDay = target.MaxDay;
        for (int i = 0; i < facts.Length; i++)
        {
            ref readonly EventFact f = ref facts[i];
            if (!f.Kept)
            {
                continue;
            }

            maxDay = Math.Max(maxDay, f.Day);
            if (f.Course < 0 || f.Family is not (EventFamily.Problem or EventFamily.Video or EventFamily.Forum))
            {
                continue;
            }

            // Problem and video types as the facts read them (unescaped); a forum type is looked up.
            ModuleEngagementEntity entity;
            ReadOnlySpan<byte> idKey;
            bool strip = false;
            if (f.Type == KnownEventType.ProblemCheck)
            {
                if (!f.ServerSource)
                {
                    continue;
                }

                entity = ModuleEngagementEntity.Problem;
                idKey = "problem_id"u8;
            }
            else if (f.Type == KnownEventType.PlayVideo)
            {
                entity = ModuleEngagementEntity.Video;
                idKey = "id"u8;
                strip = true;
            }
            else if (f.Family == EventFamily.Forum && !f.TypeEscaped && IsForumCreated(EventFacts.TypeBytes(batch, i, f)))
            {
                entity = ModuleEngagementEntity.Discussion;
                idKey = "commentable_id"u8;
            }
            else
            {
                continue; // no action: other forum events, other types
            }

            if (!TryUsername(EventFacts.Username(batch, i, f), target, out ulong user))
            {
                continue;
            }

            if (!payloads.TryOpen(batch, i, out EdxEventData ev) || !ev.TryGet(idKey, out FieldValue idValue) || idValue.Kind != JsonTokenType.String)
            {
                continue;
            }

            byte[] buffer = target.EntityBuffer;
            ReadOnlySpan<byte> id = strip ? EdxValues.StrippedString(idValue, ref buffer) : Unescaped(idValue, ref buffer);
            target.EntityBuffer = buffer;
            if (id.IsEmpty)
            {
                continue;
            }

            ulong entityId = RememberTruncated(target.Entities, id);
            if (entity == ModuleEngagementEntity.Problem)
            {
                // event_data.get('success', 'incorrect').lower() == 'correct'
                if (ev.TryGet("success"u8, out FieldValue success) && success.Kind == JsonTokenType.String && IsCorrect(success))
                {
                    Count(target, new ModuleEngagementKey(f.Day, f.Course, user, entity, entityId, ModuleEngagementAction.Completed));
                }

                Count(target, new ModuleEngagementKey(f.Day, f.Course, user, entity, entityId, ModuleEngagementAction.Attempted));
            }
            else
            {
                ModuleEngagementAction action = entity == ModuleEngagementEntity.Video ? ModuleEngagementAction.Viewed : ModuleEngagementAction.Contributed;
                Count(target, new ModuleEngagementKey(f.Day, f.Course, user, entity, entityId, action));
            }
        }

        target.MaxDay = maxDay;
    }

    /// <inheritdoc/>
    public void Merge(ModuleEngagementPartial into, ModuleEngagementPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        foreach (KeyValuePair<ModuleEngagementKey, long> kv in from.Counts)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(into.Counts, kv.Key, out _) += kv.Value;
        }

        into.Users.Merge(from.Users);
        into.Entities.Merge(from.Entities);
        into.MaxDay = Math.Max(into.MaxDay, from.MaxDay);
    }

    /// <inheritdoc/>
    public void Complete(ModuleEngagementPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);

        // Sorted by numbers standing for the texts' ordinal order (ranks), not by the texts: 5x fewer cycles.
        (List<KeyValuePair<ulong, string>> users, Dictionary<ulong, int> userRank) = Ranked(result.Users);
        (List<KeyValuePair<ulong, string>> entities, Dictionary<ulong, int> entityRank) = Ranked(result.Entities);
        var courseRank = new Dictionary<int, int>();
        foreach (ModuleEngagementKey k in result.Counts.Keys)
        {
            courseRank.TryAdd(k.Course, 0);
        }

        var courses = new List<(int Id, string Name)>(courseRank.Count);
        foreach (int id in courseRank.Keys)
        {
            courses.Add((id, _facts.Courses.Name(id)));
        }

        courses.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (int c = 0; c < courses.Count; c++)
        {
            courseRank[courses[c].Id] = c;
        }

        var items = new Item[result.Counts.Count];
        int i = 0;
        foreach (KeyValuePair<ModuleEngagementKey, long> kv in result.Counts)
        {
            ModuleEngagementKey k = kv.Key;
            items[i++] = new Item(k.Day, courseRank[k.Course], userRank[k.User], (int)k.Entity, entityRank[k.EntityId], (int)k.Action, kv.Value);
        }

        // The items hold every count now: the table goes before the rows are built, so the two are never held at once.
        result.Counts.Clear();
        result.Counts.TrimExcess();
        Array.Sort(items); // Item's own CompareTo through a struct comparer: no delegate call per comparison
        var rows = new List<ModuleEngagementRow>(items.Length);
        foreach (Item it in items)
        {
            rows.Add(new ModuleEngagementRow(DateOnly.FromDayNumber(it.Day), courses[it.Course].Name, users[it.User].Value,
                s_entityNames[it.Entity], entities[it.EntityId].Value, s_actionNames[it.Action], it.Count));
        }

        Rows = rows;

        int? lastDay = _to?.DayNumber ?? (result.MaxDay == int.MinValue ? null : result.MaxDay);
        MetricRanges = lastDay is int last ? Ranges(items, courses, DateOnly.FromDayNumber(last - 6), DateOnly.FromDayNumber(last + 1)) : [];
    }

    /// <inheritdoc/>
    public string StateName => "report.module-engagement";

    /// <inheritdoc/>
    public int StateVersion => 1;

    /// <inheritdoc/>
    /// <remarks>
    /// The last day of any kept event (zigzag), the courses counted in (by canonical id), the usernames and the entity
    /// ids (see <see cref="PartialTexts"/>), then (day, course, username, entity type, entity id, action, count) in that
    /// order.
    /// </remarks>
    public void WritePartial(ModuleEngagementPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteInt(state.MaxDay);
        var usedCourses = new HashSet<int>();
        var usedUsers = new HashSet<ulong>();
        var usedEntities = new HashSet<ulong>();
        foreach (ModuleEngagementKey k in state.Counts.Keys)
        {
            usedCourses.Add(k.Course);
            usedUsers.Add(k.User);
            usedEntities.Add(k.EntityId);
        }

        int[] courses = _facts.Courses.WriteSorted(writer, usedCourses);
        Dictionary<ulong, int> users = PartialTexts.Write(writer, state.Users.Names, usedUsers);
        Dictionary<ulong, int> entities = PartialTexts.Write(writer, state.Entities.Names, usedEntities);
        var items = new Item[state.Counts.Count];
        int i = 0;
        foreach (KeyValuePair<ModuleEngagementKey, long> kv in state.Counts)
        {
            ModuleEngagementKey k = kv.Key;
            items[i++] = new Item(k.Day, courses[k.Course], users[k.User], (int)k.Entity, entities[k.EntityId], (int)k.Action, kv.Value);
        }

        Array.Sort(items); // Item's own CompareTo through a struct comparer: no delegate call per comparison
        writer.WriteUInt((ulong)items.Length);
        foreach (Item it in items)
        {
            writer.WriteInt(it.Day);
            writer.WriteUInt((ulong)it.Course);
            writer.WriteUInt((ulong)it.User);
            writer.WriteUInt((ulong)it.Entity);
            writer.WriteUInt((ulong)it.EntityId);
            writer.WriteUInt((ulong)it.Action);
            writer.WriteUInt((ulong)it.Count);
        }
    }

    /// <inheritdoc/>
    public ModuleEngagementPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var partial = new ModuleEngagementPartial();
        long maxDay = reader.ReadInt();
        partial.MaxDay = maxDay is >= int.MinValue and <= int.MaxValue ? (int)maxDay : throw reader.Corrupt($"a last day of {maxDay}");
        int[] courses = _facts.Courses.ReadMap(reader);
        ulong[] users = PartialTexts.Read(reader, partial.Users.Names);
        ulong[] entities = PartialTexts.Read(reader, partial.Entities.Names);
        int n = reader.ReadCount();
        partial.Counts.EnsureCapacity(n);
        for (int i = 0; i < n; i++)
        {
            int day = (int)reader.ReadInt();
            int course = CourseTable.Remap(courses, reader.ReadCount(), reader);
            ulong user = PartialTexts.At(users, reader.ReadCount(), reader);
            ulong entity = reader.ReadUInt();
            ulong entityId = PartialTexts.At(entities, reader.ReadCount(), reader);
            ulong action = reader.ReadUInt();
            if (entity >= (ulong)s_entityNames.Length || action >= (ulong)s_actionNames.Length || day < 0 || day > DateOnly.MaxValue.DayNumber)
            {
                throw reader.Corrupt($"entity {entity}, action {action}, day {day}");
            }

            var key = new ModuleEngagementKey(day, course, user, (ModuleEngagementEntity)entity, entityId, (ModuleEngagementAction)action);
            CollectionsMarshal.GetValueRefOrAddDefault(partial.Counts, key, out _) += (long)reader.ReadUInt();
        }

        return partial;
    }

    void IReportSection.Write(string directory, List<string> written, ReportFormat format)
    {
        using (var table = new ReportTable(directory, "module_engagement", format, ReportTable.Day("date"), ReportTable.Text("course_id"), ReportTable.Text("username"),
            ReportTable.Text("entity_type"), ReportTable.Text("entity_id"), ReportTable.Text("event"), ReportTable.Count("count")))
        {
            foreach (ModuleEngagementRow r in Rows ?? [])
            {
                table.Add(r.Date).Add(r.CourseId).Add(r.Username).Add(r.EntityType).Add(r.EntityId).Add(r.Event).Add(r.Count).EndRow();
            }

            table.Complete();
            written.Add(table.FileName);
        }

        using (var table = new ReportTable(directory, "module_engagement_metric_ranges", format, ReportTable.Text("course_id"), ReportTable.Day("start_date"),
            ReportTable.Day("end_date"), ReportTable.Text("metric"), ReportTable.Text("range_type"), ReportTable.Real("low_value"), ReportTable.Real("high_value")))
        {
            foreach (ModuleEngagementMetricRangeRow r in MetricRanges ?? [])
            {
                string? low = EdxValues.MysqlFloat(r.LowValue), high = EdxValues.MysqlFloat(r.HighValue);
                table.Add(r.CourseId).Add(r.StartDate).Add(r.EndDate).Add(r.Metric).Add(r.RangeType).Add(Float(low), low).Add(Float(high), high).EndRow();
            }

            table.Complete();
            written.Add(table.FileName);
        }

        // The value MySQL's FLOAT column holds, as the double its text reads back as (so Parquet and CSV agree); unbounded is null.
        static double? Float(string? text) => text is null ? null : double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }

    void IReportSection.AppendHtml(StringBuilder html)
    {
        IReadOnlyList<ModuleEngagementMetricRangeRow> ranges = MetricRanges ?? [];
        string week = ranges.Count > 0 ? $" ({CsvTable.Date(ranges[0].StartDate)} to {CsvTable.Date(ranges[0].EndDate.AddDays(-1))})" : "";
        html.Append("<h2>Module engagement</h2>\n<p class=\"note\">edX's per-learner engagement (module_engagement.py): ")
            .Append(ReportWriter.N(Rows?.Count ?? 0))
            .Append(" daily counts of problems attempted and completed, videos viewed and discussion contributions in <a href=\"module_engagement.csv\">module_engagement.csv</a>; "
                + "below, the week's metric ranges").Append(ReportWriter.Encode(week))
            .Append(": low under the 15th percentile, high from the 85th (empty = unbounded). <a href=\"module_engagement_metric_ranges.csv\">module_engagement_metric_ranges.csv</a></p>\n");
        ReportWriter.Table(html, ["course", "metric", "range", "from", "to"], ranges.Count, i =>
        {
            ModuleEngagementMetricRangeRow r = ranges[i];
            return [r.CourseId, r.Metric, r.RangeType, EdxValues.MysqlFloat(r.LowValue) ?? "∞", EdxValues.MysqlFloat(r.HighValue) ?? "∞"];
        }, numeric: [3, 4]);
    }

    /// <summary>numpy 1.x's <c>percentile</c> (linear) of sorted values, with IEEE arithmetic: <c>inf * 0</c> is NaN, as there.</summary>
    internal static double Percentile(List<double> sorted, double percent)
    {
        double index = percent / 100.0 * (sorted.Count - 1);
        int below = (int)Math.Floor(index);
        int above = Math.Min(below + 1, sorted.Count - 1);
        double weightAbove = index - below;
        return (sorted[below] * (1.0 - weightAbove)) + (sorted[above] * weightAbove);
    }

    private static void Count(ModuleEngagementPartial target, ModuleEngagementKey key)
        => CollectionsMarshal.GetValueRefOrAddDefault(target.Counts, key, out _)++;

    /// <summary><c>event.get('username', '').strip()</c>: not blank, at most 30 characters.</summary>
    private static bool TryUsername(in FieldValue name, ModuleEngagementPartial target, out ulong user)
    {
        user = 0;
        byte[] buffer = target.UserBuffer;
        ReadOnlySpan<byte> username = EdxValues.StrippedString(name, ref buffer);
        target.UserBuffer = buffer;
        if (username.IsEmpty || (username.Length > MaxUsernameLength && Encoding.UTF8.GetCharCount(username) > MaxUsernameLength))
        {
            return false;
        }

        user = target.Users.Add(username);
        return true;
    }

    private static bool IsForumCreated(ReadOnlySpan<byte> type) => type.StartsWith("edx.forum."u8) && type.EndsWith(".created"u8);

    private static bool IsCorrect(in FieldValue success)
    {
        Span<byte> text = stackalloc byte[16];
        if (success.RawJson.Length > text.Length)
        {
            return false;
        }

        int n = success.CopyTo(text);
        return n >= 0 && System.Text.Ascii.EqualsIgnoreCase(text[..n], "correct"u8);
    }

    private static ReadOnlySpan<byte> Unescaped(in FieldValue value, ref byte[] buffer)
    {
        if (buffer.Length < value.RawJson.Length)
        {
            buffer = new byte[value.RawJson.Length * 2];
        }

        return buffer.AsSpan(0, value.CopyTo(buffer));
    }

    /// <summary>A table's texts in ordinal order, and each hash's rank in it.</summary>
    private static (List<KeyValuePair<ulong, string>> Sorted, Dictionary<ulong, int> Rank) Ranked(EdxStringTable table)
    {
        var sorted = new List<KeyValuePair<ulong, string>>(table.Names);
        sorted.Sort(static (a, b) => string.CompareOrdinal(a.Value, b.Value));
        var rank = new Dictionary<ulong, int>(sorted.Count);
        for (int n = 0; n < sorted.Count; n++)
        {
            rank[sorted[n].Key] = n;
        }

        return (sorted, rank);
    }

    /// <summary>Remembers an entity id cut to edX's 255 characters.</summary>
    private static ulong RememberTruncated(EdxStringTable names, ReadOnlySpan<byte> id)
    {
        if (id.Length <= MaxEntityIdLength)
        {
            return names.Add(id);
        }

        string text = Encoding.UTF8.GetString(id);
        if (text.Length <= MaxEntityIdLength)
        {
            return names.Add(id);
        }

        text = text[..MaxEntityIdLength];
        byte[] cut = Encoding.UTF8.GetBytes(text);
        return names.Add(cut);
    }

    /// <summary>The summaries of the week [<paramref name="start"/>, <paramref name="end"/>) and their metric ranges per course.</summary>
    private static List<ModuleEngagementMetricRangeRow> Ranges(Item[] items, List<(int Id, string Name)> courses, DateOnly start, DateOnly end)
    {
        // The week's records by course and learner (ModuleEngagementSummaryDataTask's reducer key).
        var week = new List<Item>();
        foreach (Item it in items)
        {
            if (it.Day >= start.DayNumber && it.Day < end.DayNumber)
            {
                week.Add(it);
            }
        }

        week.Sort(static (a, b) =>
        {
            int c = a.Course.CompareTo(b.Course);
            return c != 0 ? c : a.User.CompareTo(b.User);
        });

        var ranges = new List<ModuleEngagementMetricRangeRow>();
        var values = new SortedDictionary<string, List<double>>(StringComparer.Ordinal);
        var learner = new LearnerSummary();
        int first = 0;
        while (first < week.Count)
        {
            int course = week[first].Course;
            string courseId = courses[course].Name;
            values.Clear();
            bool anyRatio = false;
            int next = first;
            while (next < week.Count && week[next].Course == course)
            {
                int learnerEnd = next;
                while (learnerEnd < week.Count && week[learnerEnd].Course == course && week[learnerEnd].User == week[next].User)
                {
                    learnerEnd++;
                }

                anyRatio |= learner.Add(week, next, learnerEnd, values);
                next = learnerEnd;
            }

            foreach (KeyValuePair<string, List<double>> metric in values)
            {
                List<double> v = metric.Value;
                v.Sort();
                double low = Percentile(v, LowPercentile), high = Percentile(v, HighPercentile);
                low = double.IsNaN(low) ? double.PositiveInfinity : low;
                high = double.IsNaN(high) ? double.PositiveInfinity : high;
                if (low > 0)
                {
                    ranges.Add(new ModuleEngagementMetricRangeRow(courseId, start, end, metric.Key, "low", 0, low));
                }

                if (low == high)
                {
                    ranges.Add(new ModuleEngagementMetricRangeRow(courseId, start, end, metric.Key, "normal", low, double.PositiveInfinity));
                }
                else
                {
                    ranges.Add(new ModuleEngagementMetricRangeRow(courseId, start, end, metric.Key, "normal", low, high));
                    ranges.Add(new ModuleEngagementMetricRangeRow(courseId, start, end, metric.Key, "high", high, double.PositiveInfinity));
                }
            }

            if (!anyRatio)
            {
                // unprocessed_metrics: seen on every learner but never kept (no learner attempted a problem).
                ranges.Add(new ModuleEngagementMetricRangeRow(courseId, start, end, "problem_attempts_per_completed", "normal", 0, double.PositiveInfinity));
            }

            first = next;
        }

        return ranges;
    }

    /// <summary>A count with its texts replaced by their ranks (see <see cref="Complete"/>).</summary>
    private readonly record struct Item(int Day, int Course, int User, int Entity, int EntityId, int Action, long Count) : IComparable<Item>
    {
        public int CompareTo(Item other)
        {
            int c = Day.CompareTo(other.Day);
            c = c != 0 ? c : Course.CompareTo(other.Course);
            c = c != 0 ? c : User.CompareTo(other.User);
            c = c != 0 ? c : Entity.CompareTo(other.Entity);
            c = c != 0 ? c : EntityId.CompareTo(other.EntityId);
            return c != 0 ? c : Action.CompareTo(other.Action);
        }
    }

    /// <summary><c>ModuleEngagementSummaryRecordBuilder</c>, its sets reused from learner to learner.</summary>
    private sealed class LearnerSummary
    {
        private readonly HashSet<int> _attempted = [];
        private readonly HashSet<int> _completed = [];
        private readonly HashSet<int> _videos = [];

        /// <summary>
        /// Adds one learner's metrics (their records of the week) to <paramref name="values"/>. Returns whether the
        /// learner has an attempts-per-completion value (any attempt).
        /// </summary>
        public bool Add(List<Item> week, int start, int end, SortedDictionary<string, List<double>> values)
        {
            _attempted.Clear();
            _completed.Clear();
            _videos.Clear();
            long attempts = 0, contributions = 0;
            for (int i = start; i < end; i++)
            {
                Item r = week[i];
                switch ((ModuleEngagementEntity)r.Entity, (ModuleEngagementAction)r.Action)
                {
                    case (ModuleEngagementEntity.Problem, ModuleEngagementAction.Attempted):
                        attempts += r.Count;
                        _attempted.Add(r.EntityId);
                        break;
                    case (ModuleEngagementEntity.Problem, ModuleEngagementAction.Completed):
                        _completed.Add(r.EntityId);
                        break;
                    case (ModuleEngagementEntity.Video, ModuleEngagementAction.Viewed):
                        _videos.Add(r.EntityId);
                        break;
                    case (ModuleEngagementEntity.Discussion, _):
                        contributions += r.Count;
                        break;
                }
            }

            // days_active >= 1 always here (the learner has a record this week), so no learner is skipped.
            AddValue(values, "discussion_contributions", contributions);
            AddValue(values, "problem_attempts", attempts);
            AddValue(values, "problems_attempted", _attempted.Count);
            AddValue(values, "problems_completed", _completed.Count);
            AddValue(values, "videos_viewed", _videos.Count);
            if (attempts > 0)
            {
                AddValue(values, "problem_attempts_per_completed", _completed.Count > 0 ? (double)attempts / _completed.Count : double.PositiveInfinity);
                return true;
            }

            return false;
        }

        private static void AddValue(SortedDictionary<string, List<double>> values, string metric, double value)
        {
            if (!values.TryGetValue(metric, out List<double>? list))
            {
                values[metric] = list = [];
            }

            list.Add(value);
        }
    }
}
