using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>forum_activity_daily.csv and forum_activity_weekly.csv: the forum columns of edX's student engagement (student_engagement.py).</summary>
public sealed class ForumActivitySectionTests : IDisposable
{
    private const string Course = "course-v1:OrgX+C1+2015_T1";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-edx-forum-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// edX's <c>PerStudentEngagementAcceptanceTest</c> (test_student_engagement.py) runs <c>StudentEngagementToMysqlTask
    /// --interval 2015-09-01-2015-09-16</c> for daily and weekly over student_forum_activity.log and expects these rows of
    /// course-v1:ForumX+1+1 (end date 2015-09-14 daily; 2015-09-15 weekly, the interval's last day being a Tuesday).
    /// The same days here are <c>--from 2015-09-01 --to 2015-09-15</c>. The file starts with comment lines, rejected as
    /// not JSON (edX's parser drops them too).
    /// </summary>
    [EdxCorpusFact]
    public async Task StudentForumActivityLog_AsEdxAcceptanceTest()
    {
        var options = new ReportOptions { From = new DateOnly(2015, 9, 1), To = new DateOnly(2015, 9, 15), Only = [ForumActivitySection.SectionName] };
        using LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.File("student_forum_activity.log")], options, allowRejects: true);
        ReportWriter.Write(reports, _dir.FullName);

        (string[] header, _) = ReportTestKit.ReadCsv(Path.Combine(_dir.FullName, "forum_activity_daily.csv"));
        Assert.Equal(["end_date", "course_id", "username", "forum_posts", "forum_responses", "forum_comments", "forum_upvotes_given", "forum_upvotes_received"], header);
        Assert.Equal(
            [
                "2015-09-14,course-v1:ForumX+1+1,audit,1,0,0,3,1",
                "2015-09-14,course-v1:ForumX+1+1,honor,1,1,0,0,2",
                "2015-09-14,course-v1:ForumX+1+1,staff,2,0,0,1,2",
                "2015-09-14,course-v1:ForumX+1+1,verified,0,0,1,1,0",
            ],
            ReportTestKit.Lines(Path.Combine(_dir.FullName, "forum_activity_daily.csv")));
        Assert.Equal(
            [
                "2015-09-15,course-v1:ForumX+1+1,audit,1,0,0,3,1",
                "2015-09-15,course-v1:ForumX+1+1,honor,1,1,0,0,2",
                "2015-09-15,course-v1:ForumX+1+1,staff,2,0,0,1,2",
                "2015-09-15,course-v1:ForumX+1+1,verified,0,0,1,1,0",
            ],
            ReportTestKit.Lines(Path.Combine(_dir.FullName, "forum_activity_weekly.csv")));
    }

    /// <summary>
    /// edX's <c>StudentEngagementAcceptanceTest</c> runs <c>StudentEngagementCsvFileTask --interval 2015-04-06-2015-04-20</c>
    /// over student_engagement_acceptance_tracking.log; its expected CSVs (fixtures/output/student_engagement/expected)
    /// join the log's rows with enrolled users from SQL (zeros for enrolled learners without events, and none for
    /// learners not enrolled). The log part is the rows with activity ("Was Active" / "Days Active This Week" above 0):
    /// each must be here with the same forum columns (Discussion Posts, Responses, Comments, Upvotes Given, Upvotes
    /// Received). Rows here that edX's CSVs lack are learners that SQL has not enrolled.
    /// </summary>
    [EdxCorpusFact]
    public async Task StudentEngagementLog_ActiveRowsOfEdxExpectedCsvs()
    {
        var options = new ReportOptions { From = new DateOnly(2015, 4, 6), To = new DateOnly(2015, 4, 19), Only = [ForumActivitySection.SectionName] };
        using LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.File("student_engagement_acceptance_tracking.log")], options, allowRejects: true);
        ReportWriter.Write(reports, _dir.FullName);

        string[] daily = ReportTestKit.Lines(Path.Combine(_dir.FullName, "forum_activity_daily.csv"));
        string[] weekly = ReportTestKit.Lines(Path.Combine(_dir.FullName, "forum_activity_weekly.csv"));
        string[] edxDaily =
        [
            "2015-04-09,course-v1:edX+DemoX+Demo_Course_2015,honor,1,1,1,0,0",
            "2015-04-09,course-v1:edX+DemoX+Demo_Course_2015,verified,1,1,1,0,0",
            "2015-04-12,course-v1:edX+DemoX+Demo_Course_2015,honor,1,1,1,0,0",
            "2015-04-13,course-v1:edX+DemoX+Demo_Course_2015,honor,1,1,1,0,0",
            "2015-04-13,edX/DemoX/Demo_Course,honor,0,0,0,0,0",
            "2015-04-13,edX/DemoX/Demo_Course_2,honor,0,0,0,0,0",
            "2015-04-13,edX/DemoX/Demo_Course_2,staff,0,0,0,0,0",
            "2015-04-16,course-v1:edX+DemoX+Demo_Course_2015,honor,1,1,1,0,0",
            "2015-04-16,edX/DemoX/Demo_Course,honor,1,2,3,0,0",
            "2015-04-16,edX/DemoX/Demo_Course_2,honor,1,1,1,0,0",
        ];
        string[] edxWeekly =
        [
            "2015-04-12,course-v1:edX+DemoX+Demo_Course_2015,honor,2,2,2,0,0",
            "2015-04-12,course-v1:edX+DemoX+Demo_Course_2015,verified,1,1,1,0,0",
            "2015-04-19,course-v1:edX+DemoX+Demo_Course_2015,honor,2,2,2,0,0",
            "2015-04-19,edX/DemoX/Demo_Course,honor,1,2,3,0,0",
            "2015-04-19,edX/DemoX/Demo_Course,staff,0,0,0,0,0",
            "2015-04-19,edX/DemoX/Demo_Course_2,honor,1,1,1,0,0",
            "2015-04-19,edX/DemoX/Demo_Course_2,staff,1,1,1,0,0",
        ];
        Assert.All(edxDaily, row => Assert.Contains(row, daily));
        Assert.All(edxWeekly, row => Assert.Contains(row, weekly));
    }

    private static string Line(string user, string type, string time, string data = "{}", string source = "server", string course = Course)
        => $$"""{"username": "{{user}}", "event_type": "{{type}}", "event_source": "{{source}}", "time": "{{time}}", "context": {"course_id": "{{course}}"}, "event": {{data}}}""";

    private async Task<ForumActivitySection> RunAsync(ReportOptions options, params string[] lines)
    {
        string log = Path.Combine(_dir.FullName, "tracking.log");
        await File.WriteAllLinesAsync(log, lines);
        LearnerReports reports = await ReportTestKit.RunAsync([log], options with { Only = [ForumActivitySection.SectionName] }, threads: 2, batchEvents: 2);
        return reports.Section<ForumActivitySection>()!;
    }

    private static string[] Rows(IReadOnlyList<ForumActivityRow>? rows)
        => [.. rows!.Select(r => $"{r.EndDate:yyyy-MM-dd} {r.Username} {r.ForumPosts} {r.ForumResponses} {r.ForumComments} {r.ForumUpvotesGiven} {r.ForumUpvotesReceived}")];

    /// <summary>
    /// A learner's events in one batch: after the first kept event of a day makes the row, later non-forum events of that
    /// learner, day and course are skipped unread, and must change nothing; forum events still count, and an event without
    /// event data on another day still makes no row.
    /// </summary>
    [Fact]
    public async Task LearnerRunInOneBatch_ForumEventsCount_OtherEventsMakeOneRowPerDay()
    {
        string log = Path.Combine(_dir.FullName, "run.log");
        await File.WriteAllLinesAsync(log,
        [
            Line("learner_a", "/courses/x/courseware", "2015-03-02T10:00:00+00:00"),
            Line("learner_a", "/courses/x/progress", "2015-03-02T10:01:00+00:00", "\"not an object\""),
            Line("learner_a", "edx.forum.thread.created", "2015-03-02T10:02:00+00:00"),
            Line("learner_a", "/courses/x/courseware", "2015-03-02T10:03:00+00:00"),
            Line("learner_a", "edx.forum.thread.voted", "2015-03-02T10:04:00+00:00", """{"vote_value": "up", "target_username": "learner_b"}"""),
            Line("learner_a", "/courses/x/courseware", "2015-03-03T09:00:00+00:00", "\"not an object\""),
            Line("learner_a", "edx.forum.comment.created", "2015-03-04T09:00:00+00:00"),
            Line("learner_a", "/courses/x/courseware", "2015-03-04T09:01:00+00:00"),
        ]);
        using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions { Only = [ForumActivitySection.SectionName] }, threads: 1, batchEvents: 64);

        Assert.Equal(
            ["2015-03-02 learner_a 1 0 0 1 0", "2015-03-02 learner_b 0 0 0 0 1", "2015-03-04 learner_a 0 0 1 0 0"],
            Rows(reports.Section<ForumActivitySection>()!.Daily));
    }

    [Fact]
    public async Task Votes_UndoSubtracts_DownAndCommentVotesCountNothingButMakeRows()
    {
        ForumActivitySection section = await RunAsync(new ReportOptions(),
            Line("learner_a", "edx.forum.thread.voted", "2015-03-02T10:00:00+00:00", """{"vote_value": "up", "undo_vote": false, "target_username": "learner_b"}"""),
            Line("learner_a", "edx.forum.response.voted", "2015-03-02T10:01:00+00:00", """{"vote_value": "up", "undo_vote": true, "target_username": "learner_b"}"""),
            Line("learner_a", "edx.forum.thread.voted", "2015-03-02T10:02:00+00:00", """{"vote_value": "down", "target_username": "learner_c"}"""),
            Line("learner_a", "edx.forum.comment.voted", "2015-03-02T10:03:00+00:00", """{"vote_value": "up", "target_username": "learner_d"}"""),
            Line("learner_e", "edx.forum.thread.voted", "2015-03-02T10:04:00+00:00", """{"vote_value": "sideways", "target_username": "learner_f"}"""));

        // learner_e's vote has no up or down: edX drops the event, so neither learner_e nor learner_f has a row.
        Assert.Equal(
            ["2015-03-02 learner_a 0 0 0 0 0", "2015-03-02 learner_b 0 0 0 0 0", "2015-03-02 learner_c 0 0 0 0 0", "2015-03-02 learner_d 0 0 0 0 0"],
            Rows(section.Daily));
    }

    [Fact]
    public async Task EventSelection_AsEdxMapper()
    {
        ForumActivitySection section = await RunAsync(new ReportOptions(),
            Line("  learner_a ", "edx.forum.thread.created", "2015-03-02T10:00:00+00:00"),
            Line("learner_b", "problem_check", "2015-03-02T10:00:00+00:00", "\"input_1=a\"", source: "browser"),
            Line("learner_c", "problem_check", "2015-03-02T10:00:00+00:00", """{"problem_id": ""}"""),
            Line("learner_d", "play_video", "2015-03-02T10:00:00+00:00", "\"{\\\"id\\\": \\\"v1\\\"}\"", source: "browser"),
            Line("learner_e", "play_video", "2015-03-02T10:00:00+00:00", "\"{\\\"code\\\": \\\"x\\\"}\"", source: "browser"),
            Line("learner_f", "seq_next", "2015-03-02T10:00:00+00:00", "\"{cut short\"", source: "browser"),
            Line("learner_g", "seq_next", "2015-03-02T10:00:00+00:00", "\"\"", source: "browser"),
            Line("learner_h", "edx.forum.response.created", "2015-03-02T10:00:00+00:00", "[1, 2]"),
            """{"username": "learner_i", "event_type": "/courses/course-v1:OrgX+C1+2015_T1/courseware/", "event_source": "server", "time": "2015-03-02T10:00:00+00:00", "context": {}, "event": {}}""",
            Line("", "edx.forum.thread.created", "2015-03-02T10:00:00+00:00"));

        // Kept: a (stripped), d (a play_video with an id), g (an empty string is edX's {}). Dropped: b (browser
        // problem_check), c (no problem_id), e (no id), f (no JSON object), h (a list), i (the course only in a URL),
        // and the blank username.
        Assert.Equal(["2015-03-02 learner_a 1 0 0 0 0", "2015-03-02 learner_d 0 0 0 0 0", "2015-03-02 learner_g 0 0 0 0 0"], Rows(section.Daily));
    }

    [Fact]
    public async Task Weeks_EndOnTheWeekdayOfTheLastDay()
    {
        // --to 2015-03-11 is a Wednesday: weeks run Thursday to Wednesday.
        ForumActivitySection section = await RunAsync(new ReportOptions { To = new DateOnly(2015, 3, 11) },
            Line("learner_a", "edx.forum.thread.created", "2015-03-04T23:59:59+00:00"),
            Line("learner_a", "edx.forum.comment.created", "2015-03-05T00:00:00+00:00"),
            Line("learner_a", "edx.forum.comment.created", "2015-03-11T12:00:00+00:00"));

        Assert.Equal(["2015-03-04 learner_a 1 0 0 0 0", "2015-03-11 learner_a 0 0 2 0 0"], Rows(section.Weekly));
        Assert.Equal(3, section.Daily!.Count);
    }
}
