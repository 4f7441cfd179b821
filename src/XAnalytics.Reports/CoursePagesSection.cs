using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Internal;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// A page per course for its team (<c>courses/*.html</c>, linked from <c>index.html</c>): headline numbers (learners,
/// active in the last week, enrolled), weekly activity by edX's user-activity labels (a table), the video drop-off chart
/// (learners per 5-second segment of each of the most-watched videos, from <see cref="VideoSection"/>, as SVG), the hardest problems (from <see cref="ModuleEngagementSection"/>'s
/// server <c>problem_check</c> counts) and forum activity.
/// </summary>
/// <remarks>
/// Weekly activity follows <see cref="WeeklyActivityReport"/> (edX's <c>user_activity.py</c>); "enrolled" is the number
/// of learners whose last enrollment event in these logs enrolled them (learners enrolled before the logs start and
/// silent since are not known: edX reads them from its SQL tables). Problems and videos come from the other sections:
/// when <c>--only</c> leaves those out, the page says so instead of guessing.
/// </remarks>
public sealed class CoursePagesSection : IPartialAggregate<CoursePagesPartial>, IReportSection
{
    /// <summary>The section's name for <c>--only</c>.</summary>
    public const string SectionName = "course_pages";

    /// <summary>Videos drawn in a course's drop-off chart (the most watched; the table lists them all).</summary>
    public const int MaxChartedVideos = 8;

    /// <summary>Courses (the largest by learners) whose pages get a drop-off chart; the others get the tables only.</summary>
    public const int MaxChartedCourses = 40;

    /// <summary>Problems listed as the hardest.</summary>
    public const int HardestProblems = 10;

    private const string Folder = "courses";

    private readonly EventFacts _facts;
    private readonly DateOnly? _to;
    private readonly VideoSection? _video;
    private readonly ModuleEngagementSection? _engagement;
    private readonly WeeklyActivityReport _weekly;
    private readonly Func<string, bool> _selected;
    private Dictionary<int, List<(int Week, long Active, long Video, long Problem, long Forum)>>? _weeks;
    private Dictionary<string, int> _courseIds = [];

    /// <param name="facts">The run's shared facts.</param>
    /// <param name="options">The report's options (<c>--to</c> and <c>--only</c>).</param>
    /// <param name="video">The video section, whose drop-off the pages chart.</param>
    /// <param name="engagement">Module engagement, whose problem counts give the hardest problems.</param>
    /// <param name="weekly">
    /// The run's weekly activity, which completes before the pages: they take its counts rather than count the same
    /// learners again (the report runs it for the pages when <c>--only</c> leaves its own files out).
    /// </param>
    internal CoursePagesSection(EventFacts facts, ReportOptions options, VideoSection video, ModuleEngagementSection engagement, WeeklyActivityReport weekly)
    {
        _facts = facts;
        _to = options.To;
        _video = video;
        _engagement = engagement;
        _weekly = weekly;
        _selected = name => options.Only.Count == 0 || options.Only.Contains(name, StringComparer.Ordinal);
        Part = AggregatePart.Of(this);
    }

    /// <summary>One entry per course page, by learners (most first); null until the run has ended.</summary>
    public IReadOnlyList<CoursePage>? Pages { get; private set; }

    string IReportSection.Name => SectionName;

    IReadOnlyList<string> IReportSection.Files { get; } = [Folder];

    internal IAggregatePart Part { get; }

    IAggregatePart IReportSection.Part => Part;

    /// <inheritdoc/>
    public CoursePagesPartial CreatePartial() => new();

    /// <inheritdoc/>
    public void Accumulate(CoursePagesPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(batch);
        ReadOnlySpan<EventFact> facts = _facts.Read(batch);
        int maxDay = target.MaxDay;
        for (int i = 0; i < facts.Length; i++)
        {
            ref readonly EventFact f = ref facts[i];
            if (!f.Kept)
            {
                continue;
            }

            maxDay = Math.Max(maxDay, f.Day);
            if (f.Course < 0 || f.User == 0)
            {
                continue;
            }

            if (f.Enrollment is EnrollmentChange.Activated or EnrollmentChange.Deactivated)
            {
                ref (long Ticks, bool Enrolled) last = ref CollectionsMarshal.GetValueRefOrAddDefault(target.Enrollment, (f.Course, f.User), out bool exists);
                // Ties on time go to the unenrollment, as Merge breaks them: the same whichever thread saw which event.
                if (!exists || f.Ticks > last.Ticks || (f.Ticks == last.Ticks && f.Enrollment == EnrollmentChange.Deactivated))
                {
                    last = (f.Ticks, f.Enrollment == EnrollmentChange.Activated);
                }
            }

            if (f.Family == EventFamily.Forum && !f.TypeEscaped)
            {
                ReadOnlySpan<byte> t = EventFacts.TypeBytes(batch, i, f); // located by the facts; empty when not a string
                int kind = t.SequenceEqual("edx.forum.thread.created"u8) ? 0
                    : t.SequenceEqual("edx.forum.response.created"u8) ? 1
                    : t.SequenceEqual("edx.forum.comment.created"u8) ? 2
                    : t.StartsWith("edx.forum."u8) && t.EndsWith(".voted"u8) ? 3 : -1;
                if (kind >= 0)
                {
                    ref long[]? counts = ref CollectionsMarshal.GetValueRefOrAddDefault(target.Forum, f.Course, out _);
                    (counts ??= new long[4])[kind]++;
                }
            }

        }

        target.MaxDay = maxDay;
    }

    /// <inheritdoc/>
    public void Merge(CoursePagesPartial into, CoursePagesPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        foreach (KeyValuePair<(int, long), (long Ticks, bool Enrolled)> kv in from.Enrollment)
        {
            ref (long Ticks, bool Enrolled) last = ref CollectionsMarshal.GetValueRefOrAddDefault(into.Enrollment, kv.Key, out bool exists);
            if (!exists || kv.Value.Ticks > last.Ticks || (kv.Value.Ticks == last.Ticks && !kv.Value.Enrolled))
            {
                last = kv.Value;
            }
        }

        foreach (KeyValuePair<int, long[]> kv in from.Forum)
        {
            ref long[]? counts = ref CollectionsMarshal.GetValueRefOrAddDefault(into.Forum, kv.Key, out _);
            counts ??= new long[4];
            for (int k = 0; k < counts.Length; k++)
            {
                counts[k] += kv.Value[k];
            }
        }

        into.MaxDay = Math.Max(into.MaxDay, from.MaxDay);
    }

    /// <inheritdoc/>
    public void Complete(CoursePagesPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        int lastDay = _to?.DayNumber ?? (result.MaxDay == int.MinValue ? 0 : result.MaxDay);
        int lastWeek = lastDay - (lastDay % 7);
        // Weekly activity's own counts (it completed before this section): the same events and labels, counted once.
        Dictionary<int, long> learners = _weekly.LearnersByCourse ?? throw new InvalidOperationException("Weekly activity has not completed.");
        var weekly = new Dictionary<(int Course, int Week), long[]>();
        foreach ((int course, int week, ActivityLabels label, long count) in _weekly.WeekCounts!)
        {
            ref long[]? counts = ref CollectionsMarshal.GetValueRefOrAddDefault(weekly, (course, week), out _);
            counts ??= new long[4];
            counts[label switch
            {
                ActivityLabels.Active => 0,
                ActivityLabels.PlayedVideo => 1,
                ActivityLabels.AttemptedProblem => 2,
                _ => 3,
            }] = count;
        }

        var enrolled = new Dictionary<int, long>();
        foreach (KeyValuePair<(int Course, long User), (long Ticks, bool Enrolled)> kv in result.Enrollment)
        {
            enrolled[kv.Key.Course] = enrolled.GetValueOrDefault(kv.Key.Course) + (kv.Value.Enrolled ? 1 : 0);
        }

        _weeks = [];
        foreach (KeyValuePair<(int Course, int Week), long[]> kv in weekly)
        {
            if (!_weeks.TryGetValue(kv.Key.Course, out var list))
            {
                _weeks[kv.Key.Course] = list = [];
            }

            list.Add((kv.Key.Week, kv.Value[0], kv.Value[1], kv.Value[2], kv.Value[3]));
        }

        var pages = new List<CoursePage>(learners.Count);
        var usedFiles = new HashSet<string>(StringComparer.Ordinal);
        // Courses in name order: a file name taken by a colliding course's hash goes to the same course on every run,
        // whatever order threads (or a merge's shards) met the courses in.
        var byName = new List<KeyValuePair<int, long>>(learners);
        byName.Sort((a, b) => string.CompareOrdinal(_facts.Courses.Name(a.Key), _facts.Courses.Name(b.Key)));
        foreach (KeyValuePair<int, long> kv in byName)
        {
            string course = _facts.Courses.Name(kv.Key);
            long[] forum = result.Forum.GetValueOrDefault(kv.Key) ?? new long[4];
            long active = weekly.TryGetValue((kv.Key, lastWeek), out long[]? w) ? w[0] : 0;
            pages.Add(new CoursePage(course, FileName(course, usedFiles), kv.Value, DateOnly.FromDayNumber(lastWeek), active,
                enrolled.GetValueOrDefault(kv.Key), forum[0], forum[1], forum[2], forum[3]));
            _weeks[kv.Key].Sort(static (a, b) => a.Week.CompareTo(b.Week));
        }

        pages.Sort(static (a, b) =>
        {
            int c = b.Learners.CompareTo(a.Learners);
            return c != 0 ? c : string.CompareOrdinal(a.CourseId, b.CourseId);
        });
        Pages = pages;
        _courseIds = [];
        foreach (int course in learners.Keys)
        {
            _courseIds[_facts.Courses.Name(course)] = course;
        }

        // Nothing reads the partial after its rows are built: drop its tables before the next section builds its rows.
        result.Enrollment.Clear();
        result.Enrollment.TrimExcess();
        result.Forum.Clear();
    }

    /// <inheritdoc/>
    public string StateName => "report.course-pages";

    /// <inheritdoc/>
    public int StateVersion => 2;

    /// <inheritdoc/>
    /// <remarks>
    /// The last day of any kept event (zigzag), the courses (by canonical id), then in that order: each learner's last
    /// enrollment event per course (course,
    /// learner key, UTC ticks, enrolled 0/1); per course the forum's threads, responses, comments and votes. Learner
    /// keys are the run's user keys (the numeric <c>user_id</c>, or the XXH3 of the username with bit 62 set), the same
    /// in every process.
    /// </remarks>
    public void WritePartial(CoursePagesPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteInt(state.MaxDay);
        var used = new HashSet<int>();
        foreach ((int course, _) in state.Enrollment.Keys)
        {
            used.Add(course);
        }

        foreach (int course in state.Forum.Keys)
        {
            used.Add(course);
        }

        int[] courses = _facts.Courses.WriteSorted(writer, used);
        var enrollment = new List<(int Course, long User, long Ticks, bool Enrolled)>(state.Enrollment.Count);
        foreach (KeyValuePair<(int Course, long User), (long Ticks, bool Enrolled)> kv in state.Enrollment)
        {
            enrollment.Add((courses[kv.Key.Course], kv.Key.User, kv.Value.Ticks, kv.Value.Enrolled));
        }

        enrollment.Sort();
        writer.WriteUInt((ulong)enrollment.Count);
        foreach ((int course, long user, long ticks, bool enrolled) in enrollment)
        {
            writer.WriteUInt((ulong)course);
            writer.WriteInt(user);
            writer.WriteInt(ticks);
            writer.WriteUInt(enrolled ? 1UL : 0UL);
        }

        var forum = new List<(int Course, long[] Counts)>(state.Forum.Count);
        foreach (KeyValuePair<int, long[]> kv in state.Forum)
        {
            forum.Add((courses[kv.Key], kv.Value));
        }

        forum.Sort(static (a, b) => a.Course.CompareTo(b.Course));
        writer.WriteUInt((ulong)forum.Count);
        foreach ((int course, long[] counts) in forum)
        {
            writer.WriteUInt((ulong)course);
            writer.WriteUInt((ulong)counts.Length);
            foreach (long count in counts)
            {
                writer.WriteUInt((ulong)count);
            }
        }
    }

    /// <inheritdoc/>
    public CoursePagesPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var partial = new CoursePagesPartial();
        long maxDay = reader.ReadInt();
        partial.MaxDay = maxDay is >= int.MinValue and <= int.MaxValue ? (int)maxDay : throw reader.Corrupt($"a last day of {maxDay}");
        int[] courses = _facts.Courses.ReadMap(reader);
        int n = reader.ReadCount();
        partial.Enrollment.EnsureCapacity(n);
        for (int i = 0; i < n; i++)
        {
            int course = CourseTable.Remap(courses, reader.ReadCount(), reader);
            long user = reader.ReadInt();
            long ticks = reader.ReadInt();
            partial.Enrollment[(course, user)] = (ticks, reader.ReadUInt() == 1);
        }

        n = reader.ReadCount();
        for (int i = 0; i < n; i++)
        {
            int course = CourseTable.Remap(courses, reader.ReadCount(), reader);
            if (reader.ReadCount() != 4)
            {
                throw reader.Corrupt("forum counts other than 4");
            }

            ref long[]? counts = ref CollectionsMarshal.GetValueRefOrAddDefault(partial.Forum, course, out _);
            counts ??= new long[4];
            for (int k = 0; k < counts.Length; k++)
            {
                counts[k] += (long)reader.ReadUInt();
            }
        }

        return partial;
    }

    /// <summary>The hardest problems of each course: fewest learners who got them right, of those who tried.</summary>
    public static IReadOnlyList<CourseProblemRow> Hardest(IReadOnlyList<ModuleEngagementRow> engagement, string courseId, int count)
    {
        ArgumentNullException.ThrowIfNull(engagement);
        var problems = new Dictionary<string, (HashSet<string> Attempted, HashSet<string> Completed, long Attempts)>(StringComparer.Ordinal);
        foreach (ModuleEngagementRow r in engagement)
        {
            if (r.EntityType != "problem" || r.CourseId != courseId)
            {
                continue;
            }

            if (!problems.TryGetValue(r.EntityId, out var p))
            {
                problems[r.EntityId] = p = ([], [], 0);
            }

            if (r.Event == "attempted")
            {
                p.Attempted.Add(r.Username);
                problems[r.EntityId] = p with { Attempts = p.Attempts + r.Count };
            }
            else if (r.Event == "completed")
            {
                p.Completed.Add(r.Username);
            }
        }

        var rows = new List<CourseProblemRow>(problems.Count);
        foreach (KeyValuePair<string, (HashSet<string> Attempted, HashSet<string> Completed, long Attempts)> kv in problems)
        {
            if (kv.Value.Attempted.Count > 0)
            {
                rows.Add(new CourseProblemRow(courseId, kv.Key, kv.Value.Attempted.Count, kv.Value.Completed.Count, kv.Value.Attempts));
            }
        }

        return Hardest(rows, count);
    }

    /// <summary>The <paramref name="count"/> hardest of one course's problem tallies (sorted in place).</summary>
    private static List<CourseProblemRow> Hardest(List<CourseProblemRow> rows, int count)
    {
        // Lowest share of learners who got it right; then most attempts per learner; then by id.
        rows.Sort(static (a, b) =>
        {
            int c = ((double)a.LearnersCompleted / a.LearnersAttempted).CompareTo((double)b.LearnersCompleted / b.LearnersAttempted);
            c = c != 0 ? c : ((double)b.Attempts / b.LearnersAttempted).CompareTo((double)a.Attempts / a.LearnersAttempted);
            return c != 0 ? c : string.CompareOrdinal(a.ProblemId, b.ProblemId);
        });
        return rows.Count > count ? rows.GetRange(0, count) : rows;
    }

    void IReportSection.Write(string directory, List<string> written, ReportFormat format)
    {
        string folder = Path.Combine(directory, Folder);
        Directory.CreateDirectory(Path.Combine(folder, "charts"));
        IReadOnlyList<CoursePage> pages = Pages ?? [];
        IReadOnlyList<VideoRow>? videos = _selected(VideoSection.SectionName) ? _video?.Videos : null;
        VideoTimelineRowList? timeline = _selected(VideoSection.SectionName) ? _video?.TimelineRows : null;
        IReadOnlyList<ModuleEngagementRow>? engagement = _selected(ModuleEngagementSection.SectionName) ? _engagement?.Rows : null;
        var videosByCourse = new Dictionary<string, List<VideoRow>>(StringComparer.Ordinal);
        foreach (VideoRow v in videos ?? [])
        {
            if (!videosByCourse.TryGetValue(v.CourseId, out List<VideoRow>? list))
            {
                videosByCourse[v.CourseId] = list = [];
            }

            list.Add(v);
        }

        // The charts read each video's segments from the timeline as it is kept (by video), not grouped again.
        // The problems' tallies of every course in one pass over the compact rows (a list of row objects, from the
        // library, is read course by course).
        Dictionary<string, List<CourseProblemRow>>? tallies = (engagement as ModuleEngagementRowList)?.ProblemTallies();

        // Pages and charts are made and written in parallel (each is its own file), and listed after, in order. Each
        // page is written as soon as it is made: holding every page's text until all were made took 20-40 MB over 2,000
        // courses, at the end of the run, where the report peaks.
        var charts = new List<string>[pages.Count];
        Parallel.For(0, pages.Count, p =>
        {
            CoursePage page = pages[p];
            List<VideoRow> courseVideos = videosByCourse.GetValueOrDefault(page.CourseId) ?? [];
            courseVideos.Sort(static (a, b) =>
            {
                int c = b.UsersAtStart.CompareTo(a.UsersAtStart);
                c = c != 0 ? c : b.TotalViewedSeconds.CompareTo(a.TotalViewedSeconds);
                return c != 0 ? c : string.CompareOrdinal(a.EncodedModuleId, b.EncodedModuleId);
            });
            charts[p] = [];
            string stem = Path.GetFileNameWithoutExtension(page.File);
            bool draw = p < MaxChartedCourses;
            string? videoChart = draw ? VideoChart(folder, stem, courseVideos, timeline, charts[p]) : null;
            string html = PageHtml(page, videoChart, draw, videos is null ? null : courseVideos,
                engagement is null ? null
                : tallies is null ? Hardest(engagement, page.CourseId, HardestProblems)
                : Hardest(tallies.GetValueOrDefault(page.CourseId) ?? [], HardestProblems));
            File.WriteAllText(Path.Combine(directory, page.File), html, new UTF8Encoding(false));
            YoungGeneration.Check(); // a page's HTML and chart are garbage now
        });

        for (int p = 0; p < pages.Count; p++)
        {
            written.Add(pages[p].File);
            written.AddRange(charts[p]);
        }
    }

    void IReportSection.AppendHtml(StringBuilder html)
    {
        IReadOnlyList<CoursePage> pages = Pages ?? [];
        html.Append("<h2>Course pages</h2>\n<p class=\"note\">A page per course for its team: headline numbers, weekly activity, video drop-off, "
            + "the hardest problems and forum activity. Learners: distinct users with any activity; active: in the last week of the report; "
            + "enrolled: learners whose last enrollment event in these logs enrolled them.</p>\n");
        ReportWriter.Table(html, ["course", "learners", "active last week", "enrolled", "forum posts"], pages.Count, i =>
        {
            CoursePage p = pages[i];
            return [p.CourseId, ReportWriter.N(p.Learners), ReportWriter.N(p.ActiveLastWeek), ReportWriter.N(p.Enrolled), ReportWriter.N(p.ForumPosts + p.ForumResponses + p.ForumComments)];
        }, numeric: [1, 2, 3, 4], firstColumnLink: i => pages[i].File);
    }

    private const int MaxNameLength = 100;

    /// <summary>
    /// A file name for the course's page: its id's letters and digits (at most <see cref="MaxNameLength"/> of them: a
    /// fuzzer's 249-character id made a name past the file system's 255 bytes, which failed the run), and a hash of the
    /// whole id so two ids never meet.
    /// </summary>
    private static string FileName(string course, HashSet<string> used)
    {
        var name = new StringBuilder(Math.Min(course.Length, MaxNameLength) + 12);
        foreach (char c in course.AsSpan(0, Math.Min(course.Length, MaxNameLength)))
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        ulong hash = EdxValues.Hash(Encoding.UTF8.GetBytes(course));
        string file = $"{Folder}/{name}-{hash & 0xFFFFFF:x6}.html";
        while (!used.Add(file))
        {
            file = $"{Folder}/{name}-{++hash & 0xFFFFFF:x6}.html";
        }

        return file;
    }

    private static string? VideoChart(string folder, string stem, List<VideoRow> videos, VideoTimelineRowList? timeline, List<string> written)
    {
        var lines = new List<(string Label, double[] Seconds, double[] Users)>();
        foreach (VideoRow v in videos)
        {
            if (lines.Count == MaxChartedVideos)
            {
                break;
            }

            int video = timeline?.Find(v.CourseId, v.EncodedModuleId) ?? -1;
            if (video < 0)
            {
                continue;
            }

            // Every segment from the first to the last written: one nobody watched is a 0, not a line across it.
            ReadOnlySpan<int> segments = timeline!.Segments(video);
            ReadOnlySpan<long> users = timeline.Users(video);
            int last = segments[^1];
            var xs = new double[last + 1];
            var ys = new double[last + 1];
            for (int i = 0; i <= last; i++)
            {
                xs[i] = i * VideoSection.SegmentSeconds;
            }

            for (int i = 0; i < segments.Length; i++)
            {
                ys[segments[i]] = users[i];
            }

            string label = v.EncodedModuleId.Length > 14 ? "…" + v.EncodedModuleId[^12..] : v.EncodedModuleId;
            lines.Add((label, xs, ys));
        }

        string? svg = SvgStepChart.Draw("Video drop-off: learners per 5-second segment", "seconds into the video", "learners", lines);
        if (svg is null)
        {
            return null;
        }

        string name = stem + "-video.svg";
        File.WriteAllText(Path.Combine(folder, "charts", name), svg, new UTF8Encoding(false));
        written.Add(Path.Combine(Folder, "charts", name));
        return "charts/" + name;
    }

    private string PageHtml(CoursePage page, string? videoChart, bool charted, List<VideoRow>? videos, IReadOnlyList<CourseProblemRow>? hardest)
    {
        var h = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        string course = ReportWriter.Encode(page.CourseId);
        h.Append(ci, $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{{course}}: course report</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1000px;color:#222;padding:0 1em}
            h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ccc}
            table{border-collapse:collapse;font-size:.9em;margin:.5em 0}th,td{padding:.25em .6em;border-bottom:1px solid #eee;text-align:left}
            td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}
            img{max-width:100%;height:auto;border:1px solid #eee}.note{color:#555;font-size:.9em}
            .cards{display:flex;gap:1em;flex-wrap:wrap;margin:1em 0}.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:9em}
            .card b{display:block;font-size:1.8em;font-variant-numeric:tabular-nums}.card span{color:#555;font-size:.85em}
            </style></head><body>
            <p class="note"><a href="../index.html">← all courses</a></p>
            <h1>{{course}}</h1>
            <div class="cards">
            <div class="card"><b>{{ReportWriter.N(page.Learners)}}</b><span>learners (any activity)</span></div>
            <div class="card"><b>{{ReportWriter.N(page.ActiveLastWeek)}}</b><span>active in the week of {{CsvTable.Date(page.LastWeek)}}</span></div>
            <div class="card"><b>{{ReportWriter.N(page.Enrolled)}}</b><span>enrolled (last enrollment event)</span></div>
            <div class="card"><b>{{ReportWriter.N(page.ForumPosts + page.ForumResponses + page.ForumComments)}}</b><span>forum posts, responses and comments</span></div>
            </div>

            """);

        h.Append("<h2>Weekly activity</h2>\n<p class=\"note\">Distinct learners per ISO week (Monday to Monday) by edX's user-activity rules: any activity, "
            + "a video played, a problem submitted (server problem_check), a forum post.</p>\n");
        List<(int Week, long Active, long Video, long Problem, long Forum)> weeks =
            _weeks is not null && _courseIds.TryGetValue(page.CourseId, out int id) && _weeks.TryGetValue(id, out var w) ? w : [];
        ReportWriter.Table(h, ["week from", "active", "played video", "attempted problem", "posted in forum"], weeks.Count, i =>
            [CsvTable.Date(DateOnly.FromDayNumber(weeks[i].Week)), ReportWriter.N(weeks[i].Active), ReportWriter.N(weeks[i].Video),
                ReportWriter.N(weeks[i].Problem), ReportWriter.N(weeks[i].Forum)], numeric: [1, 2, 3, 4]);

        h.Append("<h2>Video drop-off</h2>\n");
        if (videos is null)
        {
            h.Append("<p class=\"note\">The video tables were left out (<code>--only</code>): no drop-off.</p>\n");
        }
        else
        {
            h.Append(ci, $"<p class=\"note\">Learners who watched each 5-second segment (edX's video timeline), the {MaxChartedVideos} most-watched videos drawn; ")
                .Append("every video in the table. Drop-off: the share of learners at the start not watching the end (the later of 30 s before it and 95% in).</p>\n");
            AppendChart(h, videoChart, "Video drop-off", charted);
            ReportWriter.Table(h, ["video", "duration (s)", "at start", "at end", "drop-off", "seconds viewed"], videos.Count, i =>
            {
                VideoRow v = videos[i];
                string drop = v.UsersAtStart > 0 ? Math.Max(0, 1 - ((double)v.UsersAtEnd / v.UsersAtStart)).ToString("P0", ci) : "";
                return [v.EncodedModuleId, ReportWriter.N(v.Duration), ReportWriter.N(v.UsersAtStart), ReportWriter.N(v.UsersAtEnd), drop, ReportWriter.N(v.TotalViewedSeconds)];
            }, numeric: [1, 2, 3, 4, 5]);
        }

        h.Append("<h2>Hardest problems</h2>\n");
        if (hardest is null)
        {
            h.Append("<p class=\"note\">The module engagement tables were left out (<code>--only</code>): no problem figures.</p>\n");
        }
        else
        {
            h.Append(ci, $"<p class=\"note\">Server problem_check submissions (edX's module engagement): the {HardestProblems} problems the fewest of the learners who ")
                .Append("tried got right at least once, then the most attempts per learner.</p>\n");
            ReportWriter.Table(h, ["problem", "learners who tried", "got it right", "share right", "attempts per learner"], hardest.Count, i =>
            {
                CourseProblemRow p = hardest[i];
                return [p.ProblemId, ReportWriter.N(p.LearnersAttempted), ReportWriter.N(p.LearnersCompleted),
                    ((double)p.LearnersCompleted / p.LearnersAttempted).ToString("P0", ci), ((double)p.Attempts / p.LearnersAttempted).ToString("0.0", ci)];
            }, numeric: [1, 2, 3, 4]);
        }

        h.Append("<h2>Forum activity</h2>\n<p class=\"note\">Server forum events in this course.</p>\n");
        ReportWriter.Table(h, ["threads", "responses", "comments", "votes"], 1, _ =>
            [ReportWriter.N(page.ForumPosts), ReportWriter.N(page.ForumResponses), ReportWriter.N(page.ForumComments), ReportWriter.N(page.ForumVotes)],
            numeric: [0, 1, 2, 3]);
        h.Append("</body></html>\n");
        return h.ToString();
    }

    private static void AppendChart(StringBuilder h, string? svg, string title, bool charted)
    {
        if (svg is not null)
        {
            h.Append(CultureInfo.InvariantCulture, $"<p><img src=\"{ReportWriter.Encode(svg)}\" alt=\"{ReportWriter.Encode(title)}\" width=\"{ReportCharts.Width}\" height=\"{ReportCharts.Height}\"></p>\n");
        }
        else
        {
            h.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{ReportWriter.Encode(title)}: {(charted ? "no data" : $"charts are drawn for the {MaxChartedCourses} largest courses only")}.</p>\n");
        }
    }
}
