using XAnalytics.Ordering;
using XAnalytics.Pipeline;
using XAnalytics.Reports.Learners;
using XAnalytics.Tests.Reports.Reference;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports.Learners;

/// <summary>
/// Sessions, time on task (edx2bigquery's definition) and person-course from hand-made learners (made-up names),
/// written to the input out of time order: each expected figure is worked out in the comment beside it.
/// </summary>
public sealed class LearnerTablesTests
{
    private const string C1 = "course-v1:OrgX+C1+2015_T1";
    private const string C2 = "OrgY/C2/2015";
    private const string C3 = "course-v1:OrgZ+C3+2015";

    private static string Event(string user, string type, string time, string? course, string source = "server", string? page = null, string? ip = null)
        => "{\"username\": \"" + user + "\", \"event_type\": \"" + type + "\", \"event_source\": \"" + source + "\", \"time\": \"" + time + "\""
            + (ip is null ? string.Empty : ", \"ip\": \"" + ip + "\"")
            + (page is null ? string.Empty : ", \"page\": \"" + page + "\"")
            + ", \"context\": {" + (course is null ? string.Empty : "\"course_id\": \"" + course + "\", ") + "\"user_id\": 7}, \"event\": {}}";

    private static async Task<LearnerTables> RunAsync(TempDir dir, IEnumerable<string> lines, LearnerTablesOptions? options = null, int threads = 2)
    {
        string log = dir.WriteText("tracking.log", string.Join('\n', lines) + "\n");
        LearnerTables tables = LearnerTables.Create(options ?? new LearnerTablesOptions());
        RunResult run = await EventPipeline.RunAsync(
            Run.Options([log], threads: threads), [],
            tables.CreateSink(new SortOptions { MemoryBytes = 16L << 20, ScratchDirectory = dir.PathOf("scratch") })).WaitAsync(Run.Timeout);
        Run.AssertBalanced(run.Counters);
        return tables;
    }

    [Fact]
    public async Task OneLearner_GapsExactlyAtTheTimeouts_OutOfOrderInput_SessionsAndTimeOnTaskByTheDefinition()
    {
        using var dir = new TempDir();
        string[] lines =
        [
            Event("ada_test", "seq_goto", "2015-03-02T10:36:00+00:00", C1),                          // t3: 30 min after t2
            Event("ada_test", "play_video", "2015-03-02T10:00:00+00:00", C1, "browser"),               // t0
            Event("ada_test", "/courses/" + C1 + "/wiki/Page/", "2015-03-02T10:36:30+00:00", C1),     // t4: text, 30 s after t3
            Event("ada_test", "problem_check", "2015-03-02T10:05:00+00:00", C1),                       // t1: exactly 5 min after t0
            Event("ada_test", "play_video", "2015-03-02T10:06:00+00:00", C1, "browser"),               // t2: 1 min after t1, 6 min after t0
        ];
        using LearnerTables tables = await RunAsync(dir, lines);

        // A gap of exactly the session gap (t2 -> t3, 30 min) starts a new session.
        Assert.Equal(
            [
                new SessionRow(C1, "ada_test", Ticks("2015-03-02T10:00:00"), Ticks("2015-03-02T10:06:00"), 3),
                new SessionRow(C1, "ada_test", Ticks("2015-03-02T10:36:00"), Ticks("2015-03-02T10:36:30"), 2),
            ],
            tables.Sessions!);

        // Gaps: 300 s (exactly 5 min: not under the short timeout), 60 s, 1800 s (exactly 30 min: under neither), 30 s.
        // Short: 60 + 30 = 90 s; long: 300 + 60 + 30 = 390 s. Video: t0 -> t2 = 360 s (long only). Problem and text: one event each, no gap.
        TimeOnTaskRow day = Assert.Single(tables.TimeOnTask!);
        Assert.Equal(new DateOnly(2015, 3, 2), day.Day);
        Assert.Equal(new TimeOnTask { Total = Seconds(90) }, day.ShortGaps);
        Assert.Equal(new TimeOnTask { Total = Seconds(390), Video = Seconds(360) }, day.LongGaps);

        PersonCourseRow person = Assert.Single(tables.PersonCourse!);
        Assert.Equal((5L, 1, 2L, 1L, 2, Seconds(390)), (person.Events, person.DaysActive, person.PlayVideo, person.ProblemCheck, person.Sessions, person.SessionTicks));
        Assert.Equal(Ticks("2015-03-02T10:00:00"), person.FirstEventTicks);
        Assert.Equal(Ticks("2015-03-02T10:36:30"), person.LastEventTicks);
        Assert.Equal(day.ShortGaps, person.ShortGaps);
        Assert.False(person.Viewed);
        Assert.Null(person.Country); // no GeoIP database
    }

    [Fact]
    public async Task SessionGapOption_OneSecondUnderTheGap_KeepsOneSession()
    {
        using var dir = new TempDir();
        string[] lines =
        [
            Event("ada_test", "seq_goto", "2015-03-02T10:00:00+00:00", C1),
            Event("ada_test", "seq_goto", "2015-03-02T10:09:59+00:00", C1),
            Event("ada_test", "seq_goto", "2015-03-02T10:19:59+00:00", C1),
        ];
        using LearnerTables tables = await RunAsync(dir, lines, new LearnerTablesOptions { SessionGap = TimeSpan.FromMinutes(10) });

        // 9:59 stays in the session, 10:00 exactly starts the next one.
        Assert.Equal([2, 1], tables.Sessions!.Select(static s => s.Events));
    }

    [Fact]
    public async Task LearnerInTwoCourses_EventsWithoutCourseOrLearner_KeptApart_GapAcrossMidnightOnTheLaterDay()
    {
        using var dir = new TempDir();
        string[] lines =
        [
            Event("bo_test", "seq_goto", "2015-03-03T00:01:00+00:00", C1),
            Event("bo_test", "/dashboard", "2015-03-03T00:00:45+00:00", null),   // no course: in no table
            Event("bo_test", "seq_goto", "2015-03-02T23:59:00+00:00", C1),
            Event("bo_test", "problem_check", "2015-03-03T00:00:30+00:00", C2),
            Event("", "seq_goto", "2015-03-03T00:00:40+00:00", C1),              // no learner: in no table
            Event("cy_test", "/courses/" + C1 + "/xblock/block-v1:OrgX+C1+2015_T1+type@problem+block@p1/handler/x", "2015-03-03T00:00:50+00:00", C1),
        ];
        using LearnerTables tables = await RunAsync(dir, lines);

        // C1: 23:59:00 -> 00:01:00 is 120 s, on 2015-03-03 (the later event's day); C2 and the no-course event do not break it.
        TimeOnTaskRow day = Assert.Single(tables.TimeOnTask!);
        Assert.Equal((C1, "bo_test", new DateOnly(2015, 3, 3)), (day.CourseId, day.Learner, day.Day));
        Assert.Equal(Seconds(120), day.ShortGaps.Total);
        Assert.Equal(Seconds(120), day.LongGaps.Total);

        // Two rows for bo_test (cy_test's only event is an /xblock/ call, left out as edx2bigquery leaves it out).
        Assert.Equal([(C2, "bo_test", 1L, 1), (C1, "bo_test", 2L, 2)],
            tables.PersonCourse!.Select(static p => (p.CourseId, p.Learner, p.Events, p.DaysActive)).OrderBy(static p => p.Events));
        Assert.Equal(1, tables.PersonCourse!.Single(static p => p.CourseId == C1).Sessions);
        Assert.Contains(tables.Notes, static n => n.StartsWith("1 events name no learner", StringComparison.Ordinal));
        Assert.Contains(tables.Notes, static n => n.StartsWith("1 events of learners name no course", StringComparison.Ordinal));
        Assert.Contains(tables.Notes, static n => n.StartsWith("1 events whose type contains /xblock/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ForumPostsAndKinds_ServerCreatedEventsArePosts_KindGapsSkipOtherEvents()
    {
        using var dir = new TempDir();
        string[] lines =
        [
            Event("hal_test", "edx.forum.thread.created", "2015-05-01T09:00:00+00:00", C1),                       // post, forum
            Event("hal_test", "problem_check", "2015-05-01T09:01:00+00:00", C1, "browser"),                       // problem
            Event("hal_test", "edx.forum.response.created", "2015-05-01T09:02:00+00:00", C1),                     // post, forum: 120 s after the last forum event
            Event("hal_test", "edx.forum.comment.created", "2015-05-01T09:02:30+00:00", C1, "browser"),          // forum, not a post (not server)
            Event("hal_test", "problem_check", "2015-05-01T09:04:30+00:00", C1),                                  // problem: 210 s after the last problem event
            Event("hal_test", "textbook.pdf.page.navigated", "2015-05-01T09:05:00+00:00", C1, "browser"),         // text, alone
        ];
        using LearnerTables tables = await RunAsync(dir, lines);

        PersonCourseRow p = Assert.Single(tables.PersonCourse!);
        Assert.Equal((2L, 2L), (p.ForumPosts, p.ProblemCheck));

        // Total: 60 + 60 + 30 + 120 + 30 = 300 s, every gap under 5 minutes. Forum: 120 + 30; problem: 210.
        Assert.Equal(new TimeOnTask { Total = Seconds(300), Forum = Seconds(150), Problem = Seconds(210) }, p.ShortGaps);
        Assert.Equal(p.ShortGaps, p.LongGaps);
    }

    [PublicDataFact]
    public async Task Chapters_FromAllLearnersOfTheCourse_ViewedExploredAndCountryOfTheLastAddress()
    {
        using var dir = new TempDir();
        string Chapter(string ch) => "/courses/" + C3 + "/courseware/" + ch + "/seq1/";
        string[] lines =
        [
            Event("di_test", Chapter("ch1"), "2015-04-01T10:00:00+00:00", C3, ip: "89.160.20.113"),
            Event("di_test", Chapter("ch2"), "2015-04-01T10:01:00+00:00", C3, ip: "89.160.20.113"),
            Event("di_test", Chapter("ch3"), "2015-04-01T10:02:00+00:00", C3, ip: "81.2.69.142"),   // the last address: GB
            Event("ed_test", "play_video", "2015-04-01T11:00:00+00:00", C3, "browser", page: "https://lms.example.org" + Chapter("ch1") + "?x=1", ip: "81.2.69.142"),
            Event("ed_test", "problem_check", "2015-04-01T11:01:00+00:00", C3, ip: "89.160.20.113"),  // the last address: SE
            Event("fi_test", "problem_check", "2015-04-01T12:00:00+00:00", C3),
            Event("gu_test", Chapter("ch1"), "2015-04-01T13:00:00+00:00", C3),
            Event("gu_test", Chapter("ch2"), "2015-04-01T13:01:00+00:00", C3),
        ];
        using LearnerTables tables = await RunAsync(dir, lines, new LearnerTablesOptions { GeoIpDatabase = PublicData.MaxMindDirectory });

        // The course showed 3 chapters: 3 of 3 and 2 of 3 are at least half; 1 of 3 is not.
        Assert.Equal(
            [("di_test", true, true, 3, "GB"), ("ed_test", true, false, 1, "SE"), ("fi_test", false, false, 0, "UNKNOWN"), ("gu_test", true, true, 2, "UNKNOWN")],
            tables.PersonCourse!.Select(static p => (p.Learner, p.Viewed, p.Explored, p.Chapters, p.Country!)));
        Assert.All(tables.PersonCourse!, static p => Assert.Equal(3, p.CourseChapters));
    }

    [Fact]
    public async Task Tables_OnOneAndFourThreads_AreTheSame()
    {
        using var dir = new TempDir();
        await TestArchives.GenerateAsync(dir.PathOf("in"), events: 12_000, files: 3, courses: 3, learners: 200, days: 4);
        var sort = new SortOptions { MemoryBytes = 16L << 20, ScratchDirectory = dir.PathOf("scratch") };
        var results = new List<(string, string, string)>();
        foreach (int threads in new[] { 1, 4 })
        {
            using LearnerTables tables = LearnerTables.Create(new LearnerTablesOptions());
            RunResult run = await EventPipeline.RunAsync(Run.Options([dir.PathOf("in")], threads: threads), [], tables.CreateSink(sort)).WaitAsync(Run.Timeout);
            Run.AssertBalanced(run.Counters);
            Assert.NotEmpty(tables.Sessions!);
            results.Add((string.Join('\n', tables.Sessions!), string.Join('\n', tables.TimeOnTask!), string.Join('\n', tables.PersonCourse!)));
        }

        Assert.Equal(results[0], results[1]);
    }

    /// <summary>
    /// The tables from records (in memory, and nearly all spilled) are those the learners' whole events give
    /// (<see cref="LearnerTables"/> as an <see cref="XAnalytics.Learners.ILearnerAnalysis{TPartial}"/> under the event shuffle),
    /// over edX's acceptance logs and a generated archive, with a GeoIP database for the country.
    /// </summary>
    [PublicDataFact]
    public async Task Tables_FromRecords_InMemoryOrSpilled_EqualTablesFromWholeEvents()
    {
        using var dir = new TempDir();
        await TestArchives.GenerateAsync(dir.PathOf("in"), events: 12_000, files: 3, courses: 3, learners: 200, days: 4);
        var sort = new SortOptions { MemoryBytes = 16L << 20, ScratchDirectory = dir.PathOf("scratch") };
        var options = new LearnerTablesOptions { GeoIpDatabase = PublicData.MaxMindDirectory };
        List<string[]> inputs = [[dir.PathOf("in")]];
        if (Corpus.Directory is { } corpus)
        {
            inputs.Add([corpus]);
        }

        foreach (string[] input in inputs)
        {
            var results = new List<string>();
            for (int way = 0; way < 4; way++)
            {
                using LearnerTables tables = LearnerTables.Create(options);
                var partials = new XAnalytics.Learners.RecordPartials<LearnerEvent, LearnerTablesPartial>(tables);
                IEventSink sink = way switch
                {
                    0 => new XAnalytics.Learners.LearnerAnalysisSink<LearnerTablesPartial>(tables, sort),
                    1 => tables.CreateSink(sort),
                    2 => new XAnalytics.Learners.RecordShuffle<LearnerEvent, LearnerTablesPartial>(partials, sort, heldBytes: 64 * 1024),
                    // Every learner over a 1 KiB fold bound: sorted on disk in 4 KiB runs and folded in pieces.
                    _ => new XAnalytics.Learners.RecordShuffle<LearnerEvent, LearnerTablesPartial>(partials, sort, heldBytes: 64 * 1024, foldBytes: 1024),
                };
                RunResult run = await EventPipeline.RunAsync(Run.Options(input, threads: 2), [], sink).WaitAsync(Run.Timeout);
                Run.AssertBalanced(run.Counters);
                Assert.NotEmpty(tables.PersonCourse!);
                if (way >= 2)
                {
                    Assert.True(run.Counters.ForStage("shuffle").Fact("spilled-bytes") > 0);
                }

                if (way == 3)
                {
                    Assert.True(run.Counters.ForStage("shuffle").Fact("streamed-records") > 0, "no learner was folded from disk");
                }

                results.Add(string.Join('\n', [.. tables.Sessions!.Select(static r => r.ToString()), .. tables.TimeOnTask!.Select(static r => r.ToString()),
                    .. tables.PersonCourse!.Select(static r => r.ToString()), .. tables.Notes]));
            }

            Assert.Equal(results[0], results[1]);
            Assert.Equal(results[0], results[2]);
            Assert.Equal(results[0], results[3]);
        }
    }

    [Theory]
    [InlineData("play_video", TaskKinds.Video)]
    [InlineData("edx.video.played", TaskKinds.None)]           // no \w+_video in it
    [InlineData("_video", TaskKinds.None)]                     // \w+ needs a character before _video
    [InlineData("show_transcript", TaskKinds.Video)]
    [InlineData("problem_check", TaskKinds.Problem)]
    [InlineData("edx.grades.problem.submitted", TaskKinds.None)] // problem_ then a word character
    [InlineData("edx.forum.thread.created", TaskKinds.Forum)]
    [InlineData("/courses/course-v1:A+B+C/discussion/forum/x/threads/1", TaskKinds.Forum)]
    [InlineData("textbook.pdf.page.navigated", TaskKinds.Text)]
    [InlineData("/courses/course-v1:A+B+C/wiki/Page/", TaskKinds.Text)]
    [InlineData("seq_goto", TaskKinds.None)]
    internal void Classify_FollowsEdx2bigqueryRegexes(string type, TaskKinds expected)
        => Assert.Equal(expected, TaskKindRules.Classify(System.Text.Encoding.UTF8.GetBytes(type)));

    private static long Ticks(string utc) => DateTime.SpecifyKind(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc).Ticks;

    private static long Seconds(int s) => s * TimeSpan.TicksPerSecond;
}
