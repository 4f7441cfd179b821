using System.Text;
using System.Text.Json;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Internal;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// <c>forum_activity_daily.csv</c> and <c>forum_activity_weekly.csv</c>: the forum columns of edX's
/// <c>student_engagement_daily</c> and <c>_weekly</c> tables (<c>edx/analytics/tasks/data_api/student_engagement.py</c>,
/// <c>StudentEngagementTask.mapper</c> and <c>.reducer</c>, copied to MySQL unjoined by <c>StudentEngagementDataTask</c>
/// and <c>StudentEngagementToMysqlTask</c>).
/// </summary>
/// <remarks>
/// As edX: a row per interval, course and username for every learner with an event that the mapper keeps, forum
/// activity or not (the other columns of edX's table, problems, videos, textbook pages and last subsection, are the
/// other part's or left out, so many rows are zeros here, as in edX's table). The mapper keeps an event with a
/// non-blank top-level <c>username</c> (stripped), an <c>event_type</c>, a valid <c>context.course_id</c> (never a URL's
/// course) and event data (<see cref="EdxEventDataCheck"/>); it drops a <c>problem_check</c> that is not from the server or
/// has no <c>problem_id</c>, a <c>play_video</c> without <c>id</c>, and an <c>edx.forum.*.voted</c> whose
/// <c>vote_value</c> is neither <c>up</c> nor <c>down</c>. Posts, responses and comments count
/// <c>edx.forum.{thread,response,comment}.created</c>; a thread or response vote <c>up</c> counts +1 given for the voter
/// and +1 received for its <c>target_username</c> (-1 each when <c>undo_vote</c> is true); the target gets a row of
/// their own even without events. The day is the UTC date of <c>time</c>; a week ends on the weekday of the interval's
/// last day (<see cref="ReportOptions.To"/>, else the last day of any event kept), as edX's <c>weekly</c> interval type.
/// </remarks>
public sealed class ForumActivitySection : IPartialAggregate<ForumActivityPartial>, IReportSection
{
    /// <summary>The name <c>--only</c> selects the section by.</summary>
    public const string SectionName = "forum_activity";

    private static readonly FieldPath s_username = FieldPath.Parse("username");
    private static readonly FieldPath s_eventType = FieldPath.Parse("event_type");

    /// <summary>Keys a worker's table holds before it hands its counts to the learner buckets: 32,768 (about 2.5 MiB).</summary>
    internal const int DefaultTableCapacity = 32_768;

    /// <summary>Records per learner bucket a worker holds before writing them to the scratch folder: 512 (28 KiB, under the large object heap's threshold).</summary>
    internal const int DefaultBlockRecords = 512;

    private readonly EventFacts _facts;
    private readonly ReportOptions _options;
    private readonly BucketSpill<ForumActivityRecord> _spill;
    private readonly string? _scratch;
    private readonly long _rowSpillBytes;

    internal ForumActivitySection(EventFacts facts, ReportOptions options)
    {
        _facts = facts;
        _options = options;
        _spill = new BucketSpill<ForumActivityRecord>(options.ScratchDirectory, "forum-activity");
        _scratch = options.ScratchDirectory;
        _rowSpillBytes = options.RowSpillBytes ?? ReportOptions.DefaultRowSpillBytes;
        TableCapacity = options.ForumActivityHeld ?? DefaultTableCapacity;
        BlockRecords = options.ForumActivityHeld ?? DefaultBlockRecords;
        Part = AggregatePart.Of(this);
    }

    /// <summary>Keys per worker table (<see cref="DefaultTableCapacity"/> unless a test says otherwise).</summary>
    internal int TableCapacity { get; }

    /// <summary>Records per held block (<see cref="DefaultBlockRecords"/> unless a test says otherwise).</summary>
    internal int BlockRecords { get; }

    /// <summary>The section's scratch files (for tests).</summary>
    internal BucketSpill<ForumActivityRecord> Spill => _spill;

    /// <summary>
    /// <c>forum_activity_daily.csv</c>, by day, course and username; null until the run has ended. Kept compact: each
    /// row is made when read (read it once rather than index it again and again).
    /// </summary>
    public IReadOnlyList<ForumActivityRow>? Daily { get; private set; }

    /// <summary><c>forum_activity_weekly.csv</c>, by week end, course and username; null until the run has ended. Kept compact, as <see cref="Daily"/>.</summary>
    public IReadOnlyList<ForumActivityRow>? Weekly { get; private set; }

    string IReportSection.Name => SectionName;

    IReadOnlyList<string> IReportSection.Files { get; } = ["forum_activity_daily.csv", "forum_activity_weekly.csv", "forum_activity_daily.parquet", "forum_activity_weekly.parquet"];

    IAggregatePart IReportSection.Part => Part;

    private IAggregatePart Part { get; }

    /// <inheritdoc/>
    public ForumActivityPartial CreatePartial() => new(_spill, TableCapacity, BlockRecords, _facts.Usernames);

    /// <inheritdoc/>
    public void Accumulate(ForumActivityPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(batch);
        ReadOnlySpan<EventFact> facts = _facts.Read(batch, out EventPayloads payloads);
        int lastDay = target.LastDay;
        // The previous event's username and id: a learner's events often come in runs.
        Span<byte> previousName = stackalloc byte[64];
        int previousLength = -1;
        ulong previousUser = 0;
        int lastRowDay = int.MinValue, lastRowCourse = -1;
        bool lastRowPrevious = false; // the last row added was the previous name's
        for (int i = 0; i < facts.Length; i++)
        {
            ref readonly EventFact f = ref facts[i];
            if (!f.Kept)
            {
                continue;
            }

            lastDay = Math.Max(lastDay, f.Day);
            if (!f.CourseInContext || f.Course < 0)
            {
                continue;
            }

            // The username and type where the facts found them in the line, without looking them up again; an event
            // whose values are not in its line (BSON input) looks them up.
            ReadOnlySpan<byte> line = batch.GetUtf8(i);
            ReadOnlySpan<byte> name, type;
            FieldValue u = default, t = default;
            if (f.NameOffset >= 0)
            {
                ReadOnlySpan<byte> written = line.Slice(f.NameOffset, f.NameLength);
                name = Trim(f.NameEscaped ? Unescape(target, written) : written);
            }
            else if (batch.TryGetField(i, s_username, out u) && u.Kind == JsonTokenType.String)
            {
                name = Trim(u.HasEscapes ? Unescape(target, u.Utf8) : u.Utf8);
            }
            else
            {
                continue;
            }

            if (f.TypeOffset >= 0)
            {
                type = line.Slice(f.TypeOffset, f.TypeLength);
            }
            else if (batch.TryGetField(i, s_eventType, out t) && t.Kind == JsonTokenType.String)
            {
                type = t.Utf8;
            }
            else
            {
                continue;
            }

            if (name.IsEmpty)
            {
                continue;
            }

            // The same learner as the last row added, on the same day and course, by an event that is not a forum
            // event: its row exists and the event adds nothing to it (only forum events count), so nothing to read.
            if (previousLength >= 0 && lastRowPrevious && lastRowDay == f.Day && lastRowCourse == f.Course
                && !type.StartsWith("edx.forum"u8) && name.SequenceEqual(previousName[..previousLength]))
            {
                continue;
            }

            if (!target.EventData.HasData(batch, i, f) || !Count(batch, i, f, payloads, type, out ForumCounts counts, out bool voteTarget, out long upvoteReceived))
            {
                continue;
            }

            ulong user;
            if (previousLength >= 0 && name.SequenceEqual(previousName[..previousLength]))
            {
                user = previousUser;
            }
            else
            {
                user = target.Users.Add(name);
                previousLength = name.Length <= previousName.Length ? name.Length : -1;
                if (previousLength >= 0)
                {
                    name.CopyTo(previousName);
                    previousUser = user;
                }
            }

            target.Add(f.Day, f.Course, user, counts);
            (lastRowDay, lastRowCourse, lastRowPrevious) = (f.Day, f.Course, previousLength >= 0);
            if (voteTarget && payloads.TryOpen(batch, i, out EdxEventData ev) && ev.TryGet("target_username"u8, out FieldValue r) && r.Kind == JsonTokenType.String && !r.Utf8.IsEmpty)
            {
                // The vote's target, as written (edX does not strip it).
                var got = new ForumCounts { UpvotesReceived = upvoteReceived };
                target.Add(f.Day, f.Course, target.Users.Add(Unescaped(target, r)), got);
            }
        }

        target.LastDay = lastDay;
    }

    /// <inheritdoc/>
    public void Merge(ForumActivityPartial into, ForumActivityPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        into.LastDay = Math.Max(into.LastDay, from.LastDay);
        into.Users.Merge(from.Users);
        into.Courses.UnionWith(from.Courses);
        into.Records.MergeFrom(from.Records);
        foreach (KeyValuePair<PackedKey, ForumCounts> kv in from.Days)
        {
            into.Add(PackedKey.LowHalf(kv.Key.High), PackedKey.HighHalf(kv.Key.High), (ulong)kv.Key.Low, kv.Value);
        }

        from.Days.Clear();
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Bucket after bucket (a learner's counts are all in one): its records sorted by learner, course and day, equal
    /// keys added up into the day's row, a learner's days in a course added up into their weeks' rows; the rows kept as
    /// 16-byte <see cref="ForumActivityItem"/>s in a sorted run per bucket, merged as they are read
    /// (<see cref="ForumActivityRowList"/>). What stays: the usernames (once each), 16 bytes per row, and the counts of
    /// rows with forum activity.
    /// </remarks>
    public void Complete(ForumActivityPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        try
        {
            int last = _options.To?.DayNumber ?? result.LastDay;
            result.Flush();
            (string[] users, Dictionary<ulong, int> userRank) = result.Users.Ranks();
            (string[] courses, int[] courseRank) = RankedCourses(result.Courses);

            // The texts are in the ranked arrays now: drop the partial's tables before the rows are built.
            result.Users.Release();
            result.Courses.Clear();
            var dailyCounts = new List<ForumCounts>();
            var weeklyCounts = new List<ForumCounts>();
            // Past the budget the rows are kept in scratch files until written (see ModuleEngagementSection.Complete).
            using var dailyRuns = new SortedRuns<ForumActivityItem>(result.Records.Total, _rowSpillBytes, _scratch, "forum-activity-rows");
            using var weeklyRuns = new SortedRuns<ForumActivityItem>(result.Records.Total, _rowSpillBytes, _scratch, "forum-activity-rows");
            var bucket = new RecordBuffer<ForumActivityRecord>();
            for (int b = 0; b < LearnerBuckets.Count; b++)
            {
                bucket.Clear();
                result.Records.ReadBucket(b, bucket);
                result.Records.ReleaseBucket(b);
                ReadOnlySpan<ForumActivityRecord> days = AddUp(bucket.Span);
                Span<ForumActivityItem> daily = dailyRuns.Next(days.Length);
                Span<ForumActivityItem> weekly = weeklyRuns.Next(days.Length);
                int weeks = 0;
                for (int i = 0; i < days.Length; i++)
                {
                    ForumActivityRecord d = days[i];
                    int course = courseRank[d.Course], user = userRank[d.User];
                    daily[i] = new ForumActivityItem(d.Day, course, user, Keep(dailyCounts, d.Counts));

                    // edX's weekly key: the next day (this one included) on the weekday of the interval's last complete
                    // day. A learner's days in a course come in order: a week's days follow one another.
                    int end = d.Day + ((((last - d.Day) % 7) + 7) % 7);
                    ForumCounts week = d.Counts;
                    while (i + 1 < days.Length && days[i + 1].User == d.User && days[i + 1].Course == d.Course
                        && days[i + 1].Day + ((((last - days[i + 1].Day) % 7) + 7) % 7) == end)
                    {
                        i++;
                        daily[i] = new ForumActivityItem(days[i].Day, course, user, Keep(dailyCounts, days[i].Counts));
                        week.Add(days[i].Counts);
                    }

                    weekly[weeks++] = new ForumActivityItem(end, course, user, Keep(weeklyCounts, week));
                }

                dailyRuns.Commit(days.Length);
                weeklyRuns.Commit(weeks);
            }

            result.Records.ReleaseHeld();
            result.Records.Owners.Clear(); // its spilled blocks are read: the partial is empty now
            Daily = new ForumActivityRowList(dailyRuns, courses, users, [.. dailyCounts]);
            Weekly = new ForumActivityRowList(weeklyRuns, courses, users, [.. weeklyCounts]);
        }
        finally
        {
            _spill.Close();
        }
    }

    /// <summary>Closes the scratch files of a run that failed or was cancelled, or wrote its partial (see <see cref="LearnerReports.Dispose"/>).</summary>
    internal void CloseSpill()
    {
        _spill.Close();
        (Daily as IDisposable)?.Dispose(); // its rows' scratch files, if they have them
        (Weekly as IDisposable)?.Dispose();
    }

    /// <inheritdoc/>
    public string StateName => "report.forum-activity";

    /// <inheritdoc/>
    public int StateVersion => 2;

    /// <inheritdoc/>
    /// <remarks>
    /// The last day of any kept event (zigzag), the courses with a row (by canonical id), the usernames (see
    /// <see cref="PartialTexts"/>), then the learner buckets' count and per bucket its rows (equal keys added up, sorted
    /// by username's position, course and day, so the bytes do not depend on the threads): their count, then (day,
    /// course, username, posts, responses, comments, upvotes given, upvotes received) each.
    /// </remarks>
    public void WritePartial(ForumActivityPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteInt(state.LastDay);
        state.Flush();
        int[] courses = _facts.Courses.WriteSorted(writer, state.Courses);

        // The usernames of this partial's rows (the table is the run's, shared with the other learner sections).
        HashSet<ulong> used = PartialTexts.Used(state.Records, static r => r.User);
        Dictionary<ulong, int> userRank = PartialTexts.Write(writer, hash => state.Users[hash], used);
        writer.WriteUInt(LearnerBuckets.Count);
        var bucket = new RecordBuffer<ForumActivityRecord>();
        for (int b = 0; b < LearnerBuckets.Count; b++)
        {
            bucket.Clear();
            state.Records.ReadBucket(b, bucket);
            Span<ForumActivityRecord> days = AddUp(bucket.Span);
            for (int i = 0; i < days.Length; i++)
            {
                days[i] = days[i] with { User = (ulong)userRank[days[i].User], Course = courses[days[i].Course] };
            }

            days.Sort(default(ForumActivityRecord.LearnerOrder)); // by position: the same in every process
            writer.WriteUInt((ulong)days.Length);
            foreach (ForumActivityRecord d in days)
            {
                writer.WriteInt(d.Day);
                writer.WriteUInt((ulong)d.Course);
                writer.WriteUInt(d.User);
                writer.WriteUInt((ulong)d.Counts.Posts);
                writer.WriteUInt((ulong)d.Counts.Responses);
                writer.WriteUInt((ulong)d.Counts.Comments);
                writer.WriteUInt((ulong)d.Counts.UpvotesGiven);
                writer.WriteUInt((ulong)d.Counts.UpvotesReceived);
            }
        }
    }

    /// <inheritdoc/>
    public ForumActivityPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ForumActivityPartial partial = CreatePartial();
        long lastDay = reader.ReadInt();
        partial.LastDay = lastDay is >= int.MinValue and <= int.MaxValue ? (int)lastDay : throw reader.Corrupt($"a last day of {lastDay}");
        int[] courses = _facts.Courses.ReadMap(reader);
        ulong[] users = PartialTexts.Read(reader, partial.Users.Add);

        int groups = reader.ReadCount();
        for (int g = 0; g < groups; g++)
        {
            int rows = reader.ReadCount();
            for (int i = 0; i < rows; i++)
            {
                long day = reader.ReadInt();
                if (day < 0 || day > DateOnly.MaxValue.DayNumber)
                {
                    throw reader.Corrupt($"a day of {day}");
                }

                int course = CourseTable.Remap(courses, reader.ReadCount(), reader);
                ulong user = PartialTexts.At(users, reader.ReadCount(), reader);
                var counts = new ForumCounts
                {
                    Posts = (long)reader.ReadUInt(),
                    Responses = (long)reader.ReadUInt(),
                    Comments = (long)reader.ReadUInt(),
                    UpvotesGiven = (long)reader.ReadUInt(),
                    UpvotesReceived = (long)reader.ReadUInt(),
                };
                partial.Courses.Add(course);
                partial.Records.Add(LearnerBuckets.Of((long)user), new ForumActivityRecord((int)day, course, user, counts));
            }
        }

        return partial;
    }

    void IReportSection.Write(string directory, List<string> written, ReportFormat format)
    {
        Write(directory, "forum_activity_daily", Daily ?? [], written, format);
        Write(directory, "forum_activity_weekly", Weekly ?? [], written, format);
    }

    void IReportSection.AppendHtml(StringBuilder html)
    {
        // The rows with forum activity are counted; only those the page shows are kept (all of them as row objects
        // took 9 MiB of the working set at the end of a report over 8M generated events).
        var shown = new List<ForumActivityRow>();
        int active = 0;
        foreach (ForumActivityRow r in Weekly ?? [])
        {
            if (r.ForumPosts != 0 || r.ForumResponses != 0 || r.ForumComments != 0 || r.ForumUpvotesGiven != 0 || r.ForumUpvotesReceived != 0)
            {
                if (shown.Count < ReportWriter.MaxHtmlRows)
                {
                    shown.Add(r);
                }

                active++;
            }
        }

        html.Append("<h2>Forum activity (edX)</h2>\n<p class=\"note\">Posts, responses, comments and up votes per learner, course and week "
            + "(edX's student engagement, student_engagement.py); learners without forum activity are in the CSVs with zeros, not here. "
            + "<a href=\"forum_activity_weekly.csv\">forum_activity_weekly.csv</a>, per day <a href=\"forum_activity_daily.csv\">forum_activity_daily.csv</a></p>\n");
        ReportWriter.Table(html, ["week ending", "course", "username", "posts", "responses", "comments", "up votes given", "up votes received"], active, i =>
        {
            ForumActivityRow r = shown[i];
            return [CsvTable.Date(r.EndDate), r.CourseId, r.Username, ReportWriter.N(r.ForumPosts), ReportWriter.N(r.ForumResponses),
                ReportWriter.N(r.ForumComments), ReportWriter.N(r.ForumUpvotesGiven), ReportWriter.N(r.ForumUpvotesReceived)];
        }, numeric: [3, 4, 5, 6, 7]);
    }

    /// <summary>
    /// <c>StudentEngagementTask.mapper</c>'s choice (false: the event is dropped) and <c>reducer</c>'s forum counts
    /// for the event's own user; <paramref name="voteTarget"/> when the event is a vote whose <c>target_username</c> gets
    /// a row, with <paramref name="upvoteReceived"/> to add to it.
    /// </summary>
    /// <remarks>The event's members are read from its payload, opened once for every section (<see cref="EventPayloads"/>).</remarks>
    private static bool Count(
        EventBatch batch, int i, in EventFact f, EventPayloads payloads, ReadOnlySpan<byte> type, out ForumCounts counts, out bool voteTarget, out long upvoteReceived)
    {
        counts = default;
        voteTarget = false;
        upvoteReceived = 0;
        if (type.SequenceEqual("problem_check"u8))
        {
            // event_source == 'server' as written (an escaped "server" is not it).
            return f.ServerSource && !f.SourceEscaped
                && payloads.TryOpen(batch, i, out EdxEventData problem) && problem.TryGet("problem_id"u8, out FieldValue p) && EdxEventDataCheck.IsTruthy(p);
        }

        if (type.SequenceEqual("play_video"u8))
        {
            return payloads.TryOpen(batch, i, out EdxEventData video) && video.TryGet("id"u8, out FieldValue id) && EdxEventDataCheck.IsTruthy(id);
        }

        if (!type.StartsWith("edx.forum"u8))
        {
            return true;
        }

        if (type.SequenceEqual("edx.forum.thread.created"u8))
        {
            counts.Posts = 1;
        }
        else if (type.SequenceEqual("edx.forum.response.created"u8))
        {
            counts.Responses = 1;
        }
        else if (type.SequenceEqual("edx.forum.comment.created"u8))
        {
            counts.Comments = 1;
        }

        ReadOnlySpan<byte> postType = VotedPostType(type);
        if (postType.IsEmpty)
        {
            return true;
        }

        if (!payloads.TryOpen(batch, i, out EdxEventData ev) || !ev.TryGet("vote_value"u8, out FieldValue vote) || vote.Kind != JsonTokenType.String
            || !(vote.Utf8.SequenceEqual("up"u8) || vote.Utf8.SequenceEqual("down"u8)))
        {
            return false;
        }

        long value = vote.Utf8.SequenceEqual("up"u8) ? ev.TryGet("undo_vote"u8, out FieldValue u) && EdxEventDataCheck.IsTruthy(u) ? -1 : 1 : 0;
        // The reducer counts votes given when the whole type is a thread's or response's ("edx.forum.thread.voted"),
        // and votes received by the type the mapper builds from the post type ("edx.forum.thread.vote_received").
        bool threadOrResponse = postType.SequenceEqual("thread"u8) || postType.SequenceEqual("response"u8);
        if (threadOrResponse && type.Length == "edx.forum.".Length + postType.Length + ".voted".Length)
        {
            counts.UpvotesGiven = value;
        }

        voteTarget = true;
        upvoteReceived = threadOrResponse ? value : 0;
        return true;
    }

    /// <summary>
    /// <c>re.match(r'edx\.forum\.(?P&lt;post_type&gt;\w+)\.voted', event_type)</c>: the word after <c>edx.forum.</c> when
    /// <c>.voted</c> follows it (a prefix match: anything may come after), else empty.
    /// </summary>
    private static ReadOnlySpan<byte> VotedPostType(ReadOnlySpan<byte> type)
    {
        if (!type.StartsWith("edx.forum."u8))
        {
            return default;
        }

        ReadOnlySpan<byte> rest = type["edx.forum.".Length..];
        int word = 0;
        while (word < rest.Length && (char.IsAsciiLetterOrDigit((char)rest[word]) || rest[word] == (byte)'_'))
        {
            word++;
        }

        return word > 0 && rest[word..].StartsWith(".voted"u8) ? rest[..word] : default;
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> name) => EdxValues.Strip(name);

    private static ReadOnlySpan<byte> Unescape(ForumActivityPartial target, ReadOnlySpan<byte> escaped)
    {
        if (target.Unescaped.Length < escaped.Length)
        {
            target.Unescaped = new byte[escaped.Length * 2];
        }

        return target.Unescaped.AsSpan(0, JsonBytes.Unescape(escaped, target.Unescaped));
    }

    private static ReadOnlySpan<byte> Unescaped(ForumActivityPartial target, in FieldValue v)
    {
        if (!v.HasEscapes)
        {
            return v.Utf8;
        }

        if (target.Unescaped.Length < v.Utf8.Length)
        {
            target.Unescaped = new byte[v.Utf8.Length * 2];
        }

        return target.Unescaped.AsSpan(0, JsonBytes.Unescape(v.Utf8, target.Unescaped));
    }

    /// <summary>Sorts a bucket's records by learner, course and day and adds up equal keys, in place.</summary>
    private static Span<ForumActivityRecord> AddUp(Span<ForumActivityRecord> records)
    {
        records.Sort(default(ForumActivityRecord.LearnerOrder));
        int n = 0;
        for (int i = 0; i < records.Length; i++)
        {
            ForumActivityRecord r = records[i];
            if (n > 0 && records[n - 1].User == r.User && records[n - 1].Course == r.Course && records[n - 1].Day == r.Day)
            {
                ForumCounts sum = records[n - 1].Counts;
                sum.Add(r.Counts);
                records[n - 1] = records[n - 1] with { Counts = sum };
            }
            else
            {
                records[n++] = r;
            }
        }

        return records[..n];
    }

    /// <summary>Where <paramref name="counts"/> are kept in <paramref name="kept"/>: -1 for zeros (kept nowhere).</summary>
    private static int Keep(List<ForumCounts> kept, in ForumCounts counts)
    {
        if (counts.Posts == 0 && counts.Responses == 0 && counts.Comments == 0 && counts.UpvotesGiven == 0 && counts.UpvotesReceived == 0)
        {
            return -1;
        }

        kept.Add(counts);
        return kept.Count - 1;
    }

    /// <summary>The courses with a row in name order (ordinal), and each course id's rank.</summary>
    private (string[] Names, int[] Rank) RankedCourses(HashSet<int> used)
    {
        var courses = new List<(int Id, string Name)>(used.Count);
        int max = -1;
        foreach (int id in used)
        {
            courses.Add((id, _facts.Courses.Name(id)));
            max = Math.Max(max, id);
        }

        courses.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        int[] rank = new int[max + 1];
        string[] names = new string[courses.Count];
        for (int c = 0; c < courses.Count; c++)
        {
            rank[courses[c].Id] = c;
            names[c] = courses[c].Name;
        }

        return (names, rank);
    }

    private static void Write(string directory, string name, IReadOnlyList<ForumActivityRow> rows, List<string> written, ReportFormat format)
    {
        using var table = new ReportTable(directory, name, format, ReportTable.Day("end_date"), ReportTable.Text("course_id"), ReportTable.Text("username"),
            ReportTable.Count("forum_posts"), ReportTable.Count("forum_responses"), ReportTable.Count("forum_comments"), ReportTable.Count("forum_upvotes_given"),
            ReportTable.Count("forum_upvotes_received"));
        if (rows is ForumActivityRowList compact)
        {
            compact.WriteTo(table, format == ReportFormat.Csv); // from the compact rows: no row object is made
        }
        else
        {
            foreach (ForumActivityRow r in rows)
            {
                table.Add(r.EndDate).Add(r.CourseId).Add(r.Username).Add(r.ForumPosts).Add(r.ForumResponses)
                    .Add(r.ForumComments).Add(r.ForumUpvotesGiven).Add(r.ForumUpvotesReceived).EndRow();
            }
        }

        table.Complete();
        written.Add(table.FileName);
    }
}
