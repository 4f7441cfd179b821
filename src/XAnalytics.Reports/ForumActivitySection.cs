using System.Runtime.InteropServices;
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

    private readonly EventFacts _facts;
    private readonly ReportOptions _options;

    internal ForumActivitySection(EventFacts facts, ReportOptions options)
    {
        _facts = facts;
        _options = options;
        Part = AggregatePart.Of(this);
    }

    /// <summary><c>forum_activity_daily.csv</c>, by day, course and username; null until the run has ended.</summary>
    public IReadOnlyList<ForumActivityRow>? Daily { get; private set; }

    /// <summary><c>forum_activity_weekly.csv</c>, by week end, course and username; null until the run has ended.</summary>
    public IReadOnlyList<ForumActivityRow>? Weekly { get; private set; }

    string IReportSection.Name => SectionName;

    IReadOnlyList<string> IReportSection.Files { get; } = ["forum_activity_daily.csv", "forum_activity_weekly.csv", "forum_activity_daily.parquet", "forum_activity_weekly.parquet"];

    IAggregatePart IReportSection.Part => Part;

    private IAggregatePart Part { get; }

    /// <inheritdoc/>
    public ForumActivityPartial CreatePartial() => new();

    /// <inheritdoc/>
    public void Accumulate(ForumActivityPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(batch);
        ReadOnlySpan<EventFact> facts = _facts.Read(batch, out EventPayloads payloads);
        int lastDay = target.LastDay;
        // The previous event's username and id: a learner's events often come in runs.
        Span<byte> previousName = stackalloc byte[64];
        int previousLength = -1, previousUser = -1;
        int lastRowDay = int.MinValue, lastRowCourse = -1, lastRowUser = -2;
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
            if (previousLength >= 0 && lastRowUser == previousUser && lastRowDay == f.Day && lastRowCourse == f.Course
                && !type.StartsWith("edx.forum"u8) && name.SequenceEqual(previousName[..previousLength]))
            {
                continue;
            }

            if (!target.EventData.HasData(batch, i, f) || !Count(batch, i, f, payloads, type, out ForumCounts counts, out bool voteTarget, out long upvoteReceived))
            {
                continue;
            }

            int user;
            if (previousLength >= 0 && name.SequenceEqual(previousName[..previousLength]))
            {
                user = previousUser;
            }
            else
            {
                user = target.Names.GetId(name);
                previousLength = name.Length <= previousName.Length ? name.Length : -1;
                if (previousLength >= 0)
                {
                    name.CopyTo(previousName);
                    previousUser = user;
                }
            }

            CollectionsMarshal.GetValueRefOrAddDefault(target.Days, (f.Day, f.Course, user), out _).Add(counts);
            (lastRowDay, lastRowCourse, lastRowUser) = (f.Day, f.Course, user);
            if (voteTarget && payloads.TryOpen(batch, i, out EdxEventData ev) && ev.TryGet("target_username"u8, out FieldValue r) && r.Kind == JsonTokenType.String && !r.Utf8.IsEmpty)
            {
                // The vote's target, as written (edX does not strip it).
                var got = new ForumCounts { UpvotesReceived = upvoteReceived };
                int targetUser = target.Names.GetId(Unescaped(target, r));
                CollectionsMarshal.GetValueRefOrAddDefault(target.Days, (f.Day, f.Course, targetUser), out _).Add(got);
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
        var ids = new int[from.Names.Count];
        for (int id = 0; id < ids.Length; id++)
        {
            ids[id] = into.Names.Add(from.Names.Name(id));
        }

        foreach (KeyValuePair<(int Day, int Course, int User), ForumCounts> kv in from.Days)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(into.Days, (kv.Key.Day, kv.Key.Course, ids[kv.Key.User]), out _).Add(kv.Value);
        }
    }

    /// <inheritdoc/>
    public void Complete(ForumActivityPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        int last = _options.To?.DayNumber ?? result.LastDay;
        var weeks = new Dictionary<(int Day, int Course, int User), ForumCounts>();
        foreach (KeyValuePair<(int Day, int Course, int User), ForumCounts> kv in result.Days)
        {
            // edX's weekly key: the next day (this one included) on the weekday of the interval's last complete day.
            int end = kv.Key.Day + ((((last - kv.Key.Day) % 7) + 7) % 7);
            CollectionsMarshal.GetValueRefOrAddDefault(weeks, (end, kv.Key.Course, kv.Key.User), out _).Add(kv.Value);
        }

        Daily = Rows(result.Days, result.Names);
        // Nothing reads the days after their rows are built: drop the table before the weekly rows and the next section's.
        result.Days.Clear();
        result.Days.TrimExcess();
        Weekly = Rows(weeks, result.Names);
    }

    /// <inheritdoc/>
    public string StateName => "report.forum-activity";

    /// <inheritdoc/>
    public int StateVersion => 1;

    /// <inheritdoc/>
    /// <remarks>
    /// The last day of any kept event (zigzag), the courses (by canonical id), the usernames (see
    /// <see cref="PartialNames"/>), then (day, course, username, posts, responses, comments, upvotes given, upvotes
    /// received) in that order.
    /// </remarks>
    public void WritePartial(ForumActivityPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteInt(state.LastDay);
        var usedCourses = new HashSet<int>();
        var usedUsers = new HashSet<int>();
        foreach ((int _, int course, int user) in state.Days.Keys)
        {
            usedCourses.Add(course);
            usedUsers.Add(user);
        }

        int[] courses = _facts.Courses.WriteSorted(writer, usedCourses);
        int[] users = PartialNames.Write(writer, state.Names, usedUsers);
        var entries = new List<(int Day, int Course, int User, ForumCounts Counts)>(state.Days.Count);
        foreach (KeyValuePair<(int Day, int Course, int User), ForumCounts> kv in state.Days)
        {
            entries.Add((kv.Key.Day, courses[kv.Key.Course], users[kv.Key.User], kv.Value));
        }

        entries.Sort(static (a, b) =>
        {
            int c = a.Day.CompareTo(b.Day);
            c = c != 0 ? c : a.Course.CompareTo(b.Course);
            return c != 0 ? c : a.User.CompareTo(b.User);
        });
        writer.WriteUInt((ulong)entries.Count);
        foreach ((int day, int course, int user, ForumCounts counts) in entries)
        {
            writer.WriteInt(day);
            writer.WriteUInt((ulong)course);
            writer.WriteUInt((ulong)user);
            writer.WriteUInt((ulong)counts.Posts);
            writer.WriteUInt((ulong)counts.Responses);
            writer.WriteUInt((ulong)counts.Comments);
            writer.WriteUInt((ulong)counts.UpvotesGiven);
            writer.WriteUInt((ulong)counts.UpvotesReceived);
        }
    }

    /// <inheritdoc/>
    public ForumActivityPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var partial = new ForumActivityPartial();
        long lastDay = reader.ReadInt();
        partial.LastDay = lastDay is >= int.MinValue and <= int.MaxValue ? (int)lastDay : throw reader.Corrupt($"a last day of {lastDay}");
        int[] courses = _facts.Courses.ReadMap(reader);
        int[] users = PartialNames.Read(reader, partial.Names);
        int n = reader.ReadCount();
        partial.Days.EnsureCapacity(n);
        for (int i = 0; i < n; i++)
        {
            int day = (int)reader.ReadInt();
            int course = CourseTable.Remap(courses, reader.ReadCount(), reader);
            int user = PartialNames.At(users, reader.ReadCount(), reader);
            var counts = new ForumCounts
            {
                Posts = (long)reader.ReadUInt(),
                Responses = (long)reader.ReadUInt(),
                Comments = (long)reader.ReadUInt(),
                UpvotesGiven = (long)reader.ReadUInt(),
                UpvotesReceived = (long)reader.ReadUInt(),
            };
            CollectionsMarshal.GetValueRefOrAddDefault(partial.Days, (day, course, user), out _).Add(counts);
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
        var active = new List<ForumActivityRow>();
        foreach (ForumActivityRow r in Weekly ?? [])
        {
            if (r.ForumPosts != 0 || r.ForumResponses != 0 || r.ForumComments != 0 || r.ForumUpvotesGiven != 0 || r.ForumUpvotesReceived != 0)
            {
                active.Add(r);
            }
        }

        html.Append("<h2>Forum activity (edX)</h2>\n<p class=\"note\">Posts, responses, comments and up votes per learner, course and week "
            + "(edX's student engagement, student_engagement.py); learners without forum activity are in the CSVs with zeros, not here. "
            + "<a href=\"forum_activity_weekly.csv\">forum_activity_weekly.csv</a>, per day <a href=\"forum_activity_daily.csv\">forum_activity_daily.csv</a></p>\n");
        ReportWriter.Table(html, ["week ending", "course", "username", "posts", "responses", "comments", "up votes given", "up votes received"], active.Count, i =>
        {
            ForumActivityRow r = active[i];
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

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> name) => name.Trim(" \t\r\n\v\f"u8);

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

    private List<ForumActivityRow> Rows(Dictionary<(int Day, int Course, int User), ForumCounts> table, UsernameTable names)
    {
        var rows = new List<ForumActivityRow>(table.Count);
        foreach (KeyValuePair<(int Day, int Course, int User), ForumCounts> kv in table)
        {
            ForumCounts c = kv.Value;
            rows.Add(new ForumActivityRow(DateOnly.FromDayNumber(kv.Key.Day), _facts.Courses.Name(kv.Key.Course), names.Name(kv.Key.User),
                c.Posts, c.Responses, c.Comments, c.UpvotesGiven, c.UpvotesReceived));
        }

        rows.Sort(static (a, b) =>
        {
            int c = a.EndDate.CompareTo(b.EndDate);
            c = c != 0 ? c : string.CompareOrdinal(a.CourseId, b.CourseId);
            return c != 0 ? c : string.CompareOrdinal(a.Username, b.Username);
        });
        return rows;
    }

    private static void Write(string directory, string name, IReadOnlyList<ForumActivityRow> rows, List<string> written, ReportFormat format)
    {
        using var table = new ReportTable(directory, name, format, ReportTable.Day("end_date"), ReportTable.Text("course_id"), ReportTable.Text("username"),
            ReportTable.Count("forum_posts"), ReportTable.Count("forum_responses"), ReportTable.Count("forum_comments"), ReportTable.Count("forum_upvotes_given"),
            ReportTable.Count("forum_upvotes_received"));
        foreach (ForumActivityRow r in rows)
        {
            table.Add(r.EndDate).Add(r.CourseId).Add(r.Username).Add(r.ForumPosts).Add(r.ForumResponses)
                .Add(r.ForumComments).Add(r.ForumUpvotesGiven).Add(r.ForumUpvotesReceived).EndRow();
        }

        table.Complete();
        written.Add(table.FileName);
    }
}
