using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// <c>weekly_activity.csv</c>: per course and ISO week (Monday to the next Monday), the distinct users with each
/// label, by the rules of edX's own pipeline (edx-analytics-pipeline, <c>edx/analytics/tasks/insights/user_activity.py</c>,
/// <c>UserActivityTask.get_predicate_labels</c> and <c>CourseActivityPartitionTask</c>):
/// <list type="bullet">
/// <item>events from <c>event_source</c> <c>task</c> and enrollment events (<c>edx.course.enrollment.*</c>) are not activity;</item>
/// <item>an event needs a user (<c>context.user_id</c>: edX's <c>if not user_id</c>, then <c>str(user_id)</c>) and a
/// course: <c>context.course_id</c>, or else, when there is none, the course in the event's URL
/// (<c>get_course_id(event, from_url=True)</c>); a <c>context.course_id</c> that is no valid course key gives none;</item>
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

    /// <summary>
    /// Keys a worker's table holds before it hands them to the learner buckets: 32,768 (about 1 MiB), large enough that
    /// a learner's repeated keys of a day and week mostly meet in it.
    /// </summary>
    internal const int DefaultTableCapacity = 32_768;

    /// <summary>Keys per learner bucket a worker holds before writing them to the scratch folder: 2048 (32 KiB, under the large object heap's threshold).</summary>
    internal const int DefaultBlockRecords = 2048;

    private readonly EventFacts _facts;
    private readonly BucketSpill<PackedKey> _spill;

    internal WeeklyActivityReport(EventFacts facts, ReportOptions options)
    {
        _facts = facts;
        _spill = new BucketSpill<PackedKey>(options.ScratchDirectory, "weekly-activity");
        TableCapacity = options.WeeklyActivityHeld ?? DefaultTableCapacity;
        BlockRecords = options.WeeklyActivityHeld ?? DefaultBlockRecords;
    }

    /// <summary>Keys per worker table (<see cref="DefaultTableCapacity"/> unless a test says otherwise).</summary>
    internal int TableCapacity { get; }

    /// <summary>Keys per held block (<see cref="DefaultBlockRecords"/> unless a test says otherwise).</summary>
    internal int BlockRecords { get; }

    /// <summary>The report's scratch files (for tests).</summary>
    internal BucketSpill<PackedKey> Spill => _spill;

    /// <summary>The rows, by course, week and label; null until the run has ended.</summary>
    public IReadOnlyList<WeeklyActivityRow>? Rows { get; private set; }

    /// <summary>Distinct active users per course and UTC day, by course and day; null until the run has ended.</summary>
    public IReadOnlyList<DailyActiveRow>? DailyActive { get; private set; }

    /// <summary>
    /// For the course pages (<see cref="CoursePagesSection"/>): the distinct learners of each course over the whole run
    /// (those with an <c>ACTIVE</c> week in it), by course id; null until the run has ended.
    /// </summary>
    internal Dictionary<int, long>? LearnersByCourse { get; private set; }

    /// <summary>For the course pages: the counts of <see cref="Rows"/> by course id, week's day number and label; null until the run has ended.</summary>
    internal List<(int Course, int Week, ActivityLabels Label, long Count)>? WeekCounts { get; private set; }

    /// <inheritdoc/>
    public WeeklyActivityPartial CreatePartial() => new(_spill, TableCapacity, BlockRecords);

    /// <inheritdoc/>
    public void Accumulate(WeeklyActivityPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ReadOnlySpan<EventFact> facts = _facts.Read(batch);
        foreach (ref readonly EventFact f in facts)
        {
            if (!f.Kept || f.Labels == ActivityLabels.None || f.User == 0 || f.Course < 0 || f.ContextCourseInvalid)
            {
                continue;
            }

            // A user's events come in runs (a session in one course): the table is only asked when something changed,
            // which spares two hash-set probes for most events.
            if (f.User == target.LastUser && f.Course == target.LastCourse && f.Day == target.LastDay
                && (f.Labels & ~target.LastLabels) == 0)
            {
                continue;
            }

            // DayNumber 0 (0001-01-01) is a Monday, so a week starts at the day number rounded down to 7.
            int week = f.Day - (f.Day % 7);
            target.Add(WeeklyActivityPartial.WeeklyKey(f.Course, week, ActivityLabels.Active, f.User));
            if (f.Labels != ActivityLabels.Active)
            {
                for (int l = 1; l < s_labels.Length; l++)
                {
                    if ((f.Labels & s_labels[l]) != 0)
                    {
                        target.Add(WeeklyActivityPartial.WeeklyKey(f.Course, week, s_labels[l], f.User));
                    }
                }
            }

            target.Add(WeeklyActivityPartial.DailyKey(f.Course, f.Day, f.User));
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
        into.Records.MergeFrom(from.Records);
        foreach (PackedKey key in from.Seen)
        {
            into.Add(key);
        }

        from.Seen.Clear();
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Bucket after bucket (a learner's keys are all in one): its keys sorted, each distinct key counted once under its
    /// (course, week, label) or (course, day). What stays is one bucket's keys at a time and the small count table.
    /// </remarks>
    public void Complete(WeeklyActivityPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        try
        {
            result.Flush();
            var counts = new Dictionary<long, long>();
            var learners = new Dictionary<int, long>();
            var courseLearners = new RecordBuffer<PackedKey>();
            var bucket = new RecordBuffer<PackedKey>();
            for (int b = 0; b < LearnerBuckets.Count; b++)
            {
                bucket.Clear();
                result.Records.ReadBucket(b, bucket);
                result.Records.ReleaseBucket(b);
                ReadOnlySpan<PackedKey> keys = SortedDistinct(bucket.Span);
                CountLearners(keys, courseLearners, learners);
                int i = 0;
                while (i < keys.Length)
                {
                    // The distinct keys of one (course, week, label) or (course, day) are together: one table update each.
                    long high = keys[i].High;
                    int run = i + 1;
                    while (run < keys.Length && keys[run].High == high)
                    {
                        run++;
                    }

                    System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, high, out _) += run - i;
                    i = run;
                }
            }

            result.Records.ReleaseHeld();
            result.Records.Owners.Clear(); // its spilled blocks are read: the partial is empty now
            var rows = new List<WeeklyActivityRow>();
            var dailyRows = new List<DailyActiveRow>();
            foreach (KeyValuePair<long, long> kv in counts)
            {
                int course = PackedKey.HighHalf(kv.Key), low = PackedKey.LowHalf(kv.Key);
                if (WeeklyActivityPartial.IsDaily(kv.Key))
                {
                    dailyRows.Add(new DailyActiveRow(_facts.Courses.Name(course), DateOnly.FromDayNumber(low & ~WeeklyActivityPartial.DailyFlag), kv.Value));
                }
                else
                {
                    var start = DateOnly.FromDayNumber(low >> 4);
                    var label = (ActivityLabels)(low & 0xF);
                    rows.Add(new WeeklyActivityRow(_facts.Courses.Name(course), start, start.AddDays(7), LabelNames[Array.IndexOf(s_labels, label)], kv.Value));
                }
            }

            rows.Sort(static (a, b) =>
            {
                int c = string.CompareOrdinal(a.CourseId, b.CourseId);
                c = c != 0 ? c : a.IntervalStart.CompareTo(b.IntervalStart);
                return c != 0 ? c : LabelOrder(a.Label).CompareTo(LabelOrder(b.Label));
            });
            Rows = rows;
            LearnersByCourse = learners;
            var weekCounts = new List<(int Course, int Week, ActivityLabels Label, long Count)>();
            foreach (KeyValuePair<long, long> kv in counts)
            {
                if (!WeeklyActivityPartial.IsDaily(kv.Key))
                {
                    int low = PackedKey.LowHalf(kv.Key);
                    weekCounts.Add((PackedKey.HighHalf(kv.Key), low >> 4, (ActivityLabels)(low & 0xF), kv.Value));
                }
            }

            WeekCounts = weekCounts;
            dailyRows.Sort(static (a, b) =>
            {
                int c = string.CompareOrdinal(a.CourseId, b.CourseId);
                return c != 0 ? c : a.Day.CompareTo(b.Day);
            });
            DailyActive = dailyRows;
        }
        finally
        {
            _spill.Close();
        }
    }

    /// <summary>Closes the scratch files of a run that failed or was cancelled, or wrote its partial (see <see cref="LearnerReports.Dispose"/>).</summary>
    internal void CloseSpill() => _spill.Close();

    /// <summary>
    /// Adds to <paramref name="learners"/> the distinct learners of each course among one bucket's distinct keys (a
    /// learner's keys are all in one bucket, so buckets add up): every learner with an activity has an <c>ACTIVE</c> key.
    /// </summary>
    private static void CountLearners(ReadOnlySpan<PackedKey> keys, RecordBuffer<PackedKey> scratch, Dictionary<int, long> learners)
    {
        scratch.Clear();
        foreach (ref readonly PackedKey key in keys)
        {
            if (!WeeklyActivityPartial.IsDaily(key.High) && (ActivityLabels)(PackedKey.LowHalf(key.High) & 0xF) == ActivityLabels.Active)
            {
                var pair = new PackedKey(PackedKey.HighHalf(key.High), key.Low);
                scratch.AddRange(new ReadOnlySpan<PackedKey>(in pair));
            }
        }

        Span<PackedKey> pairs = SortedDistinct(scratch.Span);
        foreach (ref readonly PackedKey pair in pairs)
        {
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(learners, (int)pair.High, out _)++;
        }
    }

    /// <summary>Sorts <paramref name="keys"/> (by course and interval, then learner) and moves each distinct key once to the front.</summary>
    private static Span<PackedKey> SortedDistinct(Span<PackedKey> keys)
    {
        keys.Sort(default(PackedKey.Order));
        int n = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            if (n == 0 || keys[i] != keys[n - 1])
            {
                keys[n++] = keys[i];
            }
        }

        return keys[..n];
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
    public int StateVersion => 2;

    /// <inheritdoc/>
    /// <remarks>
    /// The courses with a key (by canonical id), then the learner buckets' count and each bucket's distinct keys
    /// (sorted, courses by position, so the bytes do not depend on the threads): their count, then per key the course, the interval (a weekly key's week day number shifted past
    /// its label's four bits, or a daily key's day number with bit 30 set) and the user. Users are the run's user keys
    /// (the numeric id, or the XXH3 of the username with bit 62 set): the same in every process.
    /// </remarks>
    public void WritePartial(WeeklyActivityPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        state.Flush();
        var bucket = new RecordBuffer<PackedKey>();
        var used = new HashSet<int>();
        for (int b = 0; b < LearnerBuckets.Count; b++)
        {
            bucket.Clear();
            state.Records.ReadBucket(b, bucket);
            foreach (PackedKey key in bucket.Span)
            {
                used.Add(PackedKey.HighHalf(key.High));
            }
        }

        int[] courses = _facts.Courses.WriteSorted(writer, used);
        writer.WriteUInt(LearnerBuckets.Count);
        for (int b = 0; b < LearnerBuckets.Count; b++)
        {
            bucket.Clear();
            state.Records.ReadBucket(b, bucket);
            Span<PackedKey> all = bucket.Span;
            for (int i = 0; i < all.Length; i++)
            {
                // Courses by their position in what was written (canonical order): the same bytes whatever the threads.
                all[i] = new PackedKey(PackedKey.Pack(courses[PackedKey.HighHalf(all[i].High)], PackedKey.LowHalf(all[i].High)), all[i].Low);
            }

            ReadOnlySpan<PackedKey> keys = SortedDistinct(all);
            writer.WriteUInt((ulong)keys.Length);
            foreach (PackedKey key in keys)
            {
                writer.WriteInt(PackedKey.HighHalf(key.High));
                writer.WriteUInt((uint)PackedKey.LowHalf(key.High));
                writer.WriteInt(key.Low);
            }
        }
    }

    /// <inheritdoc/>
    public WeeklyActivityPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int[] courses = _facts.Courses.ReadMap(reader);
        WeeklyActivityPartial partial = CreatePartial();
        int groups = reader.ReadCount();
        for (int g = 0; g < groups; g++)
        {
            int keys = reader.ReadCount();
            for (int i = 0; i < keys; i++)
            {
                int course = CourseTable.Remap(courses, reader.ReadInt(), reader);
                ulong interval = reader.ReadUInt();
                bool daily = (interval & WeeklyActivityPartial.DailyFlag) != 0;
                ulong day = daily ? interval & ~(ulong)WeeklyActivityPartial.DailyFlag : interval >> 4;
                ulong label = daily ? 0 : interval & 0xF;
                if (interval > int.MaxValue || day > (ulong)DateOnly.MaxValue.DayNumber
                    || (!daily && Array.IndexOf(s_labels, (ActivityLabels)label) < 0) || (!daily && day % 7 != 0))
                {
                    throw reader.Corrupt($"an interval of {interval}");
                }

                long user = reader.ReadInt();
                var key = new PackedKey(PackedKey.Pack(course, (int)interval), user);
                partial.Records.Add(LearnerBuckets.Of(user), key);
            }
        }

        return partial;
    }
}
