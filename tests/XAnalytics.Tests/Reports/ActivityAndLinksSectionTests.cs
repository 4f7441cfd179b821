using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary><c>active_users_weekly.csv</c> and <c>courseware_link_clicked.csv</c> against edX's acceptance tests and edge cases.</summary>
public sealed class ActivityAndLinksSectionTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-edx-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// edX's <c>test_active_users.py</c> (removed in commit 6cb7423c): <c>ActiveUsersWorkflow --date 2017-07-24
    /// --overwrite-n-weeks 1</c> loads the weeks [2017-07-17, 2017-07-24) and [2017-07-10, 2017-07-17), so
    /// <c>--from 2017-07-10 --to 2017-07-23</c> (the events of 07-07 and 07-24 fall outside; the blank username is
    /// dropped). The expected rows are edX's <c>expected_active_users_per_week.csv</c> (the fixture's placeholder
    /// usernames user1...user8), in our order (week, then username).
    /// </summary>
    [EdxCorpusFact]
    public async Task ActiveUsers_EdxAcceptanceLog_MatchesEdxExpectedRows()
    {
        using LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.File("active_users_tracking.log")],
            new ReportOptions { From = new DateOnly(2017, 7, 10), To = new DateOnly(2017, 7, 23), Only = ["active_users_weekly"] });
        ReportWriter.Write(reports, _dir.FullName);

        (string[] header, _) = ReportTestKit.ReadCsv(Path.Combine(_dir.FullName, "active_users_weekly.csv"));
        Assert.Equal(["start_date", "end_date", "username"], header);
        Assert.Equal(
            [
                "2017-07-10,2017-07-17,user1",
                "2017-07-10,2017-07-17,user3",
                "2017-07-10,2017-07-17,user5",
                "2017-07-10,2017-07-17,user6",
                "2017-07-10,2017-07-17,user7",
                "2017-07-10,2017-07-17,user8",
                "2017-07-17,2017-07-24,user1",
                "2017-07-17,2017-07-24,user2",
                "2017-07-17,2017-07-24,user4",
                "2017-07-17,2017-07-24,user5",
                "2017-07-17,2017-07-24,user6",
            ],
            ReportTestKit.Lines(Path.Combine(_dir.FullName, "active_users_weekly.csv")));
        string html = await File.ReadAllTextAsync(Path.Combine(_dir.FullName, "index.html"));
        Assert.DoesNotContain("user1", html, StringComparison.Ordinal);
    }

    /// <summary>
    /// edX's <c>test_lms_courseware_link_clicked.py</c> (removed in commit fd6069b0): <c>--interval 2016</c> (the whole
    /// year: no date filter); expected rows from its <c>acceptance_expected_lms_courseware_link_clicked_events.csv</c>
    /// without the warehouse's <c>record_number</c>. The <c>javascript:void(0)</c> and relative targets have no host: internal.
    /// </summary>
    [EdxCorpusFact]
    public async Task LinkClicked_EdxAcceptanceLog_MatchesEdxExpectedRows()
    {
        using LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.File("lms_courseware_link_clicked_acceptance_tracking.log")],
            new ReportOptions { Only = ["courseware_link_clicked"] });
        ReportWriter.Write(reports, _dir.FullName);

        (string[] header, _) = ReportTestKit.ReadCsv(Path.Combine(_dir.FullName, "courseware_link_clicked.csv"));
        Assert.Equal(["course_id", "event_date", "external_link_clicked_events", "link_clicked_events"], header);
        Assert.Equal(
            [
                "course-v1:edX+DemoX+Demo_Course,2016-06-05,1,2",
                "course-v1:edX+DemoX+Demo_Course,2016-06-06,2,4",
                "course-v1:edX+DemoX+Demo_Course,2016-06-08,3,8",
                "course-v1:edX+DemoX+Demo_Course,2016-06-12,2,6",
            ],
            ReportTestKit.Lines(Path.Combine(_dir.FullName, "courseware_link_clicked.csv")));
    }

    [Theory]
    [InlineData("http://a.example.org/x", "a.example.org")]
    [InlineData("https://a.example.org:8080?q=1", "a.example.org:8080")]
    [InlineData("HTTP://Upper.example.org/", "Upper.example.org")]
    [InlineData("//cdn.example.org/lib.js", "cdn.example.org")]
    [InlineData("/internal-page/", "")]
    [InlineData("javascript:void(0)", "")]
    [InlineData("mailto:someone@example.org", "")]
    [InlineData("path:8080", "")]
    [InlineData("a.example.org/page", "")]
    public void Netloc_Urls_AsPythonUrlparse(string url, string expected)
        => Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(CoursewareLinkClickedSection.Netloc(System.Text.Encoding.UTF8.GetBytes(url))));

    /// <summary>
    /// Link clicks edX leaves out or counts: a course only in the URL (no <c>context.course_id</c>) is not counted, nor a
    /// click without a target; an escaped URL (<c>http:\/\/</c>) is read unescaped; a browser event's JSON-string
    /// <c>event</c> is read inside. Active users: a username with surrounding spaces is the same learner stripped, a
    /// blank one is nobody, and the week is the ISO week (Sunday 2015-03-08 belongs to Monday 2015-03-02's).
    /// </summary>
    [Fact]
    public async Task LinksAndActiveUsers_EdgeCases_FollowEdx()
    {
        string log = Path.Combine(_dir.FullName, "in.log");
        await File.WriteAllLinesAsync(log,
        [
            """{"username":"learner_a","event_type":"edx.ui.lms.link_clicked","event_source":"browser","time":"2015-03-02T10:00:00+00:00","context":{"course_id":"course-v1:Org+C1+R","user_id":1},"event":{"target_url":"http:\/\/other.example.org\/","current_url":"http://lms.example.org/c"}}""",
            """{"username":" learner_a ","event_type":"edx.ui.lms.link_clicked","event_source":"browser","time":"2015-03-02T11:00:00+00:00","context":{"course_id":"course-v1:Org+C1+R","user_id":1},"event":"{\"target_url\":\"http://lms.example.org/d\",\"current_url\":\"http://lms.example.org/c\"}"}""",
            """{"username":"learner_b","event_type":"edx.ui.lms.link_clicked","event_source":"browser","time":"2015-03-08T23:00:00+00:00","context":{"course_id":"course-v1:Org+C1+R","user_id":2},"event":{"current_url":"http://lms.example.org/c"}}""",
            """{"username":"  ","event_type":"edx.ui.lms.link_clicked","event_source":"browser","time":"2015-03-03T10:00:00+00:00","page":"https://lms.example.org/courses/course-v1:Org+C1+R/courseware","context":{"user_id":3},"event":{"target_url":"http://x.example.org/","current_url":"http://lms.example.org/c"}}""",
            """{"username":"learner_c","event_type":"edx.ui.lms.link_clicked","event_source":"browser","time":"2015-03-04T10:00:00+00:00","context":{"course_id":"Org\/C2\/R","user_id":4},"event":{"target_url":"https://other.org/x","current_url":"https://lms.example.org/courses/Org/C2/R/courseware"}}""",
            """{"username":"learner_d","event_type":"edx.ui.lms.link_clicked","event_source":"browser","time":"2015-03-04T10:00:00+00:00","context":{"course_id":"ccx-v1:Org+C1+R+ccx@7","user_id":5},"event":{"target_url":"https://other.org/x","current_url":"https://lms.example.org/c"}}""",
        ]);

        using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions { Only = ["courseware_link_clicked", "active_users_weekly"] });
        // The escaped context id (Org\/C2\/R) is read unescaped; the CCX is a course of its own.
        Assert.Equal(
            [new CoursewareLinkClickedRow("course-v1:Org+C1+R", new DateOnly(2015, 3, 2), 1, 2), new CoursewareLinkClickedRow("Org/C2/R", new DateOnly(2015, 3, 4), 1, 1),
                new CoursewareLinkClickedRow("ccx-v1:Org+C1+R+ccx@7", new DateOnly(2015, 3, 4), 1, 1)],
            reports.Section<CoursewareLinkClickedSection>()!.Rows!.OrderBy(r => r.EventDate).ThenBy(r => r.CourseId, StringComparer.Ordinal));
        Assert.Equal(
            [new ActiveUsersWeeklyRow(new DateOnly(2015, 3, 2), new DateOnly(2015, 3, 9), "learner_a"), new ActiveUsersWeeklyRow(new DateOnly(2015, 3, 2), new DateOnly(2015, 3, 9), "learner_b"),
                new ActiveUsersWeeklyRow(new DateOnly(2015, 3, 2), new DateOnly(2015, 3, 9), "learner_c"), new ActiveUsersWeeklyRow(new DateOnly(2015, 3, 2), new DateOnly(2015, 3, 9), "learner_d")],
            reports.Section<ActiveUsersWeeklySection>()!.Rows!);
    }
}
