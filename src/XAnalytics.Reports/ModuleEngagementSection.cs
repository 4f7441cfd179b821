using System.Runtime.CompilerServices;
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
/// day of any event the report kept. A <c>--from</c> inside that week starts it later (<c>start_date</c> = <c>--from</c>):
/// the days before were not read, where edX reads the whole week. Infinity (edX's <c>float('inf')</c>, NULL in its MySQL table) is an empty field;
/// other bounds are written as MySQL's single-precision <c>FLOAT</c> column shows them (0.45, not 0.44999999999999996).
/// </summary>
/// <remarks>
/// Memory: a worker counts in a table of at most <see cref="DefaultTableCapacity"/> keys; when full it hands the counts
/// to their learner's bucket (<see cref="LearnerBuckets"/>) as 32-byte <see cref="ModuleEngagementRecord"/>s, held in a
/// block per bucket and written to the scratch folder (<see cref="BucketSpill{T}"/>, LZ4) when a block fills. At the end
/// the buckets are taken one at a time: sorted by learner, equal keys added up, each learner's week summarized (a
/// learner is in one bucket only), and the rows kept as 24-byte <see cref="ModuleEngagementItem"/>s
/// (<see cref="ModuleEngagementRowList"/>), one run per bucket sorted in the table's order, merged as they are read.
/// What stays: the usernames and entity ids (once each), 24 bytes per row, and per course and metric the week's
/// learners' values. edX truncates entity ids to 255 characters (<c>truncate=True</c>); so does this section.
/// </remarks>
public sealed class ModuleEngagementSection : IPartialAggregate<ModuleEngagementPartial>, IReportSection
{
    /// <summary>The section's name for <c>--only</c>.</summary>
    public const string SectionName = "module_engagement";

    /// <summary>The percentiles that bound the normal range (edX's <c>low_percentile</c> and <c>high_percentile</c> defaults).</summary>
    public const double LowPercentile = 15.0, HighPercentile = 85.0;

    private const int MaxUsernameLength = 30;
    private const int MaxEntityIdLength = 255;

    /// <summary>
    /// Keys a worker's table holds before it hands its counts to the learner buckets: 32,768 (about 1.5 MiB), large
    /// enough that a learner's repeated interactions of a day mostly meet in it.
    /// </summary>
    internal const int DefaultTableCapacity = 32_768;

    /// <summary>Records per learner bucket a worker holds before writing them to the scratch folder: 1024 (32 KiB, under the large object heap's threshold).</summary>
    internal const int DefaultBlockRecords = 1024;

    // The metrics of ModuleEngagementSummaryRecord in name order (ordinal), as the ranges are written.
    private const int DiscussionContributions = 0, ProblemAttempts = 1, ProblemAttemptsPerCompleted = 2, ProblemsAttempted = 3, ProblemsCompleted = 4, VideosViewed = 5;
    private static readonly string[] s_metricNames =
        ["discussion_contributions", "problem_attempts", "problem_attempts_per_completed", "problems_attempted", "problems_completed", "videos_viewed"];

    private static readonly string[] s_entityNames = ["discussion", "problem", "video"];
    private static readonly string[] s_actionNames = ["attempted", "completed", "contributed", "viewed"];

    private readonly EventFacts _facts;
    private readonly DateOnly? _to;
    private readonly DateOnly? _from;
    private readonly BucketSpill<ModuleEngagementRecord> _spill;
    private readonly string? _scratch;
    private readonly long _rowSpillBytes;

    internal ModuleEngagementSection(EventFacts facts, ReportOptions options)
    {
        _facts = facts;
        _to = options.To;
        _from = options.From;
        _spill = new BucketSpill<ModuleEngagementRecord>(options.ScratchDirectory, "module-engagement");
        _scratch = options.ScratchDirectory;
        _rowSpillBytes = options.RowSpillBytes ?? ReportOptions.DefaultRowSpillBytes;
        TableCapacity = options.ModuleEngagementHeld ?? DefaultTableCapacity;
        BlockRecords = options.ModuleEngagementHeld ?? DefaultBlockRecords;
        Part = AggregatePart.Of(this);
    }

    /// <summary>Keys per worker table (<see cref="DefaultTableCapacity"/> unless a test says otherwise).</summary>
    internal int TableCapacity { get; }

    /// <summary>Records per held block (<see cref="DefaultBlockRecords"/> unless a test says otherwise).</summary>
    internal int BlockRecords { get; }

    /// <summary>The section's scratch files (for tests).</summary>
    internal BucketSpill<ModuleEngagementRecord> Spill => _spill;

    /// <summary>
    /// The counts, by date, course, username, entity and action; null until the run has ended. Kept compact: each row
    /// is made when read (read it once rather than index it again and again).
    /// </summary>
    public IReadOnlyList<ModuleEngagementRow>? Rows { get; private set; }

    /// <summary>The metric ranges of the week (see the class remarks), by course; null until the run has ended.</summary>
    public IReadOnlyList<ModuleEngagementMetricRangeRow>? MetricRanges { get; private set; }

    string IReportSection.Name => SectionName;

    IReadOnlyList<string> IReportSection.Files { get; } = ["module_engagement.csv", "module_engagement_metric_ranges.csv", "module_engagement.parquet", "module_engagement_metric_ranges.parquet"];

    internal IAggregatePart Part { get; }

    IAggregatePart IReportSection.Part => Part;

    /// <inheritdoc/>
    public ModuleEngagementPartial CreatePartial() => new(_spill, TableCapacity, BlockRecords, _facts.Usernames);

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
            if (f.Course < 0 || f.ContextCourseInvalid || f.Family is not (EventFamily.Problem or EventFamily.Video or EventFamily.Forum))
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
                    target.Add(new ModuleEngagementKey(f.Day, f.Course, user, entity, entityId, ModuleEngagementAction.Completed), 1);
                }

                target.Add(new ModuleEngagementKey(f.Day, f.Course, user, entity, entityId, ModuleEngagementAction.Attempted), 1);
            }
            else
            {
                ModuleEngagementAction action = entity == ModuleEngagementEntity.Video ? ModuleEngagementAction.Viewed : ModuleEngagementAction.Contributed;
                target.Add(new ModuleEngagementKey(f.Day, f.Course, user, entity, entityId, action), 1);
            }
        }

        target.MaxDay = maxDay;
    }

    /// <inheritdoc/>
    public void Merge(ModuleEngagementPartial into, ModuleEngagementPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        into.Records.MergeFrom(from.Records);
        foreach (KeyValuePair<ModuleEngagementKey, long> kv in from.Counts)
        {
            into.Add(kv.Key, kv.Value);
        }

        from.Counts.Clear();
        into.Courses.UnionWith(from.Courses);
        into.Users.Merge(from.Users);
        into.Entities.Merge(from.Entities);
        into.MaxDay = Math.Max(into.MaxDay, from.MaxDay);
    }

    /// <inheritdoc/>
    public void Complete(ModuleEngagementPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        try
        {
            // Sorted by numbers standing for the texts' ordinal order (ranks), not by the texts: 5x fewer cycles.
            (string[] users, Dictionary<ulong, int> userRank) = result.Users.Ranks();
            (string[] entities, Dictionary<ulong, int> entityRank) = result.Entities.Ranks();
            int? lastDay = _to?.DayNumber ?? (result.MaxDay == int.MinValue ? null : result.MaxDay);
            // A --from inside the week cuts it (its earlier days were never read): start_date says so. edX's week is
            // always seven days (WeekIntervalMixin), read whatever interval ran before.
            var week = lastDay is int last ? new Week(Math.Max(last - 6, _from?.DayNumber ?? int.MinValue), last + 1) : null;

            // The courses counted in, in name order (their ranks stand for them in the rows).
            (int[] courseRank, string[] courseNames) = result.Courses.Ranks(_facts.Courses);

            // Bucket after bucket: its records sorted by learner, equal keys added up, the learners' week summarized,
            // and its rows kept compact, sorted in the table's order (the runs are merged as the rows are read).
            // Rows that would take more than the budget (counted as the records before they are added up) are kept in a
            // scratch file, each run written as it is made: held in memory, they were the largest thing a report kept
            // until it was written (17 MB over 8M events), and grew with the archive.
            result.Flush();
            using var runs = new SortedRuns<ModuleEngagementItem>(result.Records.Total, _rowSpillBytes, _scratch, "module-engagement-rows");
            var bucket = new RecordBuffer<ModuleEngagementRecord>();
            for (int b = 0; b < LearnerBuckets.Count; b++)
            {
                bucket.Clear();
                result.Records.ReadBucket(b, bucket);
                result.Records.ReleaseBucket(b);
                ReadOnlySpan<ModuleEngagementRecord> added = AddUp(bucket);
                week?.Add(added);
                Span<ModuleEngagementItem> run = runs.Next(added.Length);
                for (int i = 0; i < run.Length; i++)
                {
                    ModuleEngagementKey k = added[i].Key;
                    run[i] = new ModuleEngagementItem(k.Day, k.Kind, courseRank[k.Course], userRank[k.User], entityRank[k.EntityId], added[i].Count);
                }

                runs.Commit(run.Length);
            }

            result.Records.ReleaseHeld();
            result.Records.Owners.Clear(); // its spilled blocks are read: the partial is empty now
            Rows = new ModuleEngagementRowList(runs, courseNames, users, entities);
            MetricRanges = week is null ? [] : week.Ranges(courseNames, courseRank);
        }
        finally
        {
            _spill.Close();
        }
    }

    /// <summary>Closes the scratch files of a run that failed or was cancelled (see <see cref="LearnerReports.Dispose"/>).</summary>
    internal void CloseSpill()
    {
        _spill.Close();
        (Rows as IDisposable)?.Dispose(); // its rows' scratch file, if it has one
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

        // Every count of the partial, added up bucket by bucket (the partial keeps its records: it is only read).
        state.Flush();
        var all = new RecordBuffer<ModuleEngagementRecord>();
        var bucket = new RecordBuffer<ModuleEngagementRecord>();
        for (int b = 0; b < LearnerBuckets.Count; b++)
        {
            bucket.Clear();
            state.Records.ReadBucket(b, bucket);
            all.AddRange(AddUp(bucket));
        }

        var usedCourses = new HashSet<int>();
        var usedUsers = new HashSet<ulong>();
        var usedEntities = new HashSet<ulong>();
        foreach (ModuleEngagementRecord r in all.Span)
        {
            usedCourses.Add(r.Key.Course);
            usedUsers.Add(r.Key.User);
            usedEntities.Add(r.Key.EntityId);
        }

        int[] courses = _facts.Courses.WriteSorted(writer, usedCourses);
        Dictionary<ulong, int> users = PartialTexts.Write(writer, hash => state.Users[hash], usedUsers);
        Dictionary<ulong, int> entities = PartialTexts.Write(writer, hash => state.Entities[hash], usedEntities);
        var items = new ModuleEngagementItem[all.Count];
        ReadOnlySpan<ModuleEngagementRecord> records = all.Span;
        for (int i = 0; i < items.Length; i++)
        {
            ModuleEngagementKey k = records[i].Key;
            items[i] = new ModuleEngagementItem(k.Day, k.Kind, courses[k.Course], users[k.User], entities[k.EntityId], records[i].Count);
        }

        Array.Sort(items); // the item's own CompareTo through a struct comparer: no delegate call per comparison
        writer.WriteUInt((ulong)items.Length);
        foreach (ModuleEngagementItem it in items)
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
        ModuleEngagementPartial partial = CreatePartial();
        long maxDay = reader.ReadInt();
        partial.MaxDay = maxDay is >= int.MinValue and <= int.MaxValue ? (int)maxDay : throw reader.Corrupt($"a last day of {maxDay}");
        int[] courses = _facts.Courses.ReadMap(reader);
        ulong[] users = PartialTexts.Read(reader, partial.Users.Add);
        ulong[] entities = PartialTexts.Read(reader, partial.Entities.Add);
        int n = reader.ReadCount();
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
            partial.Add(key, (long)reader.ReadUInt());
        }

        return partial;
    }

    void IReportSection.Write(string directory, List<string> written, ReportFormat format)
    {
        using (var table = new ReportTable(directory, "module_engagement", format, ReportTable.Day("date"), ReportTable.Text("course_id"), ReportTable.Text("username"),
            ReportTable.Text("entity_type"), ReportTable.Text("entity_id"), ReportTable.Text("event"), ReportTable.Count("count")))
        {
            (Rows as ModuleEngagementRowList)?.WriteTo(table, format == ReportFormat.Csv); // from the compact rows: no row object is made

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

    /// <summary><c>event.get('username', '').strip()</c>: not blank, at most 30 characters.</summary>
    private static bool TryUsername(in FieldValue name, ModuleEngagementPartial target, out ulong user)
    {
        user = 0;
        byte[] buffer = target.UserBuffer;
        ReadOnlySpan<byte> username = EdxValues.StrippedString(name, ref buffer);
        target.UserBuffer = buffer;
        // Characters as edX's cjson decodes the LMS's escaped text: an emoji (a \ud83d\ude00 pair) is two.
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

    /// <summary>Sorts a bucket's records by learner (<see cref="ModuleEngagementRecord.LearnerOrder"/>) and adds up equal keys, in place.</summary>
    private static ReadOnlySpan<ModuleEngagementRecord> AddUp(RecordBuffer<ModuleEngagementRecord> bucket)
    {
        Span<ModuleEngagementRecord> records = bucket.Span;
        if (records.IsEmpty)
        {
            return records;
        }

        records.Sort(default(ModuleEngagementRecord.LearnerOrder));
        int n = 0;
        for (int i = 1; i < records.Length; i++)
        {
            if (records[i].Key == records[n].Key)
            {
                records[n] = records[n] with { Count = records[n].Count + records[i].Count };
            }
            else
            {
                records[++n] = records[i];
            }
        }

        return records[..(n + 1)];
    }

    /// <summary>
    /// Remembers an entity id cut to edX's 255 characters: UTF-16 units, as edX's cjson decodes the LMS's escaped text
    /// (an emoji is a surrogate pair of two). A cut between a pair leaves half of it, which edX writes as it is and
    /// UTF-8 cannot hold: U+FFFD here.
    /// </summary>
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

        return names.Add(Encoding.UTF8.GetBytes(text[..MaxEntityIdLength]));
    }

    /// <summary>
    /// The week [start, end) of the metric ranges: <c>ModuleEngagementSummaryRecordBuilder</c> per learner and course
    /// (their records come together: a bucket sorted by learner), and per course the learners' values of each metric,
    /// all that <c>ModuleEngagementSummaryMetricRangesDataTask</c> reads.
    /// </summary>
    private sealed class Week(int start, int end)
    {
        private readonly Dictionary<int, CourseValues> _courses = [];

        /// <summary>Summarizes the learners of one bucket's records, sorted and added up (see <see cref="AddUp"/>).</summary>
        public void Add(ReadOnlySpan<ModuleEngagementRecord> records)
        {
            int first = 0;
            while (first < records.Length)
            {
                ulong user = records[first].Key.User;
                int course = records[first].Key.Course;
                int next = first;
                long attempts = 0, contributions = 0, attempted = 0, completed = 0, videos = 0;
                bool any = false;
                int lastKind = -1;
                ulong lastEntity = 0;
                for (; next < records.Length && records[next].Key.User == user && records[next].Key.Course == course; next++)
                {
                    ModuleEngagementKey k = records[next].Key;
                    if (k.Day < start || k.Day >= end)
                    {
                        continue;
                    }

                    any = true;

                    // A kind's records are together, by entity id: a distinct entity is a change of id.
                    bool newEntity = k.Kind != lastKind || k.EntityId != lastEntity;
                    (lastKind, lastEntity) = (k.Kind, k.EntityId);
                    switch (k.Entity, k.Action)
                    {
                        case (ModuleEngagementEntity.Problem, ModuleEngagementAction.Attempted):
                            attempts += records[next].Count;
                            attempted += newEntity ? 1 : 0;
                            break;
                        case (ModuleEngagementEntity.Problem, ModuleEngagementAction.Completed):
                            completed += newEntity ? 1 : 0;
                            break;
                        case (ModuleEngagementEntity.Video, ModuleEngagementAction.Viewed):
                            videos += newEntity ? 1 : 0;
                            break;
                        case (ModuleEngagementEntity.Discussion, _):
                            contributions += records[next].Count;
                            break;
                    }
                }

                // days_active >= 1 always here (the learner has a record this week), so no learner is skipped.
                if (any)
                {
                    if (!_courses.TryGetValue(course, out CourseValues? values))
                    {
                        _courses[course] = values = new CourseValues();
                    }

                    values.Metrics[DiscussionContributions].Add(contributions);
                    values.Metrics[ProblemAttempts].Add(attempts);
                    values.Metrics[ProblemsAttempted].Add(attempted);
                    values.Metrics[ProblemsCompleted].Add(completed);
                    values.Metrics[VideosViewed].Add(videos);
                    if (attempts > 0)
                    {
                        // The summary task writes the ratio as text (a FloatField: Python 2's unicode(), 12 digits) and the
                        // ranges task reads that: 4/3 is 1.33333333333 there, which moves a percentile at a tie.
                        values.Metrics[ProblemAttemptsPerCompleted].Add(completed > 0 ? PythonFloats.ThroughStr((double)attempts / completed) : double.PositiveInfinity);
                    }
                }

                first = next;
            }
        }

        /// <summary>The ranges, by course (in name order: <paramref name="courseRank"/> by id) and metric name.</summary>
        public List<ModuleEngagementMetricRangeRow> Ranges(string[] courseNames, int[] courseRank)
        {
            var courses = new List<(int Rank, int Id)>(_courses.Count);
            foreach (int id in _courses.Keys)
            {
                courses.Add((courseRank[id], id));
            }

            courses.Sort();
            DateOnly from = DateOnly.FromDayNumber(start), to = DateOnly.FromDayNumber(end);
            var ranges = new List<ModuleEngagementMetricRangeRow>();
            foreach ((int rank, int id) in courses)
            {
                string courseId = courseNames[rank];
                CourseValues values = _courses[id];

                for (int m = 0; m < s_metricNames.Length; m++)
                {
                    List<double> v = values.Metrics[m];
                    if (v.Count == 0)
                    {
                        continue; // attempts per completion: no learner attempted a problem (below)
                    }

                    v.Sort();
                    double low = Percentile(v, LowPercentile), high = Percentile(v, HighPercentile);
                    low = double.IsNaN(low) ? double.PositiveInfinity : low;
                    high = double.IsNaN(high) ? double.PositiveInfinity : high;
                    string metric = s_metricNames[m];
                    if (low > 0)
                    {
                        ranges.Add(new ModuleEngagementMetricRangeRow(courseId, from, to, metric, "low", 0, low));
                    }

                    if (low == high)
                    {
                        ranges.Add(new ModuleEngagementMetricRangeRow(courseId, from, to, metric, "normal", low, double.PositiveInfinity));
                    }
                    else
                    {
                        ranges.Add(new ModuleEngagementMetricRangeRow(courseId, from, to, metric, "normal", low, high));
                        ranges.Add(new ModuleEngagementMetricRangeRow(courseId, from, to, metric, "high", high, double.PositiveInfinity));
                    }
                }

                if (values.Metrics[ProblemAttemptsPerCompleted].Count == 0)
                {
                    // unprocessed_metrics: seen on every learner but never kept (no learner attempted a problem).
                    ranges.Add(new ModuleEngagementMetricRangeRow(courseId, from, to, "problem_attempts_per_completed", "normal", 0, double.PositiveInfinity));
                }
            }

            return ranges;
        }

        /// <summary>One course's learners' values of the week, per metric (in name order).</summary>
        private sealed class CourseValues
        {
            public List<double>[] Metrics { get; } = [[], [], [], [], [], []];
        }
    }
}
