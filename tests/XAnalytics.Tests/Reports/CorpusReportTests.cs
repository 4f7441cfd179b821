using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>The reports over the edX analytics pipeline's own acceptance logs, checked against counts worked out by hand.</summary>
public sealed class CorpusReportTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-report-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// user_activity_tracking.log is the input of edX's user-activity acceptance test. Worked out by hand
    /// (jq over the file: <c>select(.event_source != "task") | select(.event_type | startswith("edx.course.enrollment.") | not)
    /// | select(.context.user_id != null and .context.user_id != "") | select(.context.course_id != "")</c>, then per
    /// course, UTC day and user which labels occur):
    /// <list type="bullet">
    /// <item>The 4 events of 2014-04-18 are enrollment activations (and have no user id): not activity.</item>
    /// <item>Events with an empty <c>context.user_id</c> (the anonymous problem_check and page events of 2014-06-19) and events with an
    /// empty <c>context.course_id</c> (<c>/</c>, <c>/dashboard</c>, <c>/instructor_task_status/</c>) are left out.</item>
    /// <item>edX/Open_DemoX/edx_demo_course, 2014-06-19 (Thursday; week 2014-06-16 to 2014-06-23): users 4, 5, 6, 7 active;
    /// server <c>problem_check</c> by 4 and 5 (5's is its only event besides a browser play_video); browser <c>play_video</c>
    /// by 4, 5 and 6; 7 only seeks (<c>seek_video</c> is not a play). So ACTIVE 4, ATTEMPTED_PROBLEM 2, PLAYED_VIDEO 3.</item>
    /// <item>edX/Open_DemoX/edx_demo_course, 2014-06-12 (week 2014-06-09): one browser play_video by user 4: ACTIVE 1, PLAYED_VIDEO 1.</item>
    /// <item>course-v1:edX+DemoX+Test_2014 (canonical edX/DemoX/Test_2014), 2014-06-19: user 4 (server problem_check and a
    /// play_video), 10002 and 10003 (play_video), 10004 (seq_next only): ACTIVE 4, ATTEMPTED_PROBLEM 1, PLAYED_VIDEO 3.</item>
    /// <item>Same course, 2014-05-25 (a Sunday, so the week of Monday 2014-05-19): play_video by 10003: ACTIVE 1, PLAYED_VIDEO 1.</item>
    /// <item>No <c>edx.forum.*.created</c> events: no POSTED_FORUM rows (a label with no users has no row).</item>
    /// </list>
    /// </summary>
    [EdxCorpusFact]
    public async Task WeeklyActivity_UserActivityAcceptanceLog_MatchesHandCount()
    {
        using LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.File("user_activity_tracking.log")], new ReportOptions());
        ReportFiles files = ReportWriter.Write(reports, _dir.FullName);

        (string[] header, _) = ReportTestKit.ReadCsv(Path.Combine(_dir.FullName, "weekly_activity.csv"));
        Assert.Equal(["course_id", "interval_start", "interval_end", "label", "count"], header);
        Assert.Equal(
            [
                "course-v1:edX+DemoX+Test_2014,2014-05-19,2014-05-26,ACTIVE,1",
                "course-v1:edX+DemoX+Test_2014,2014-05-19,2014-05-26,PLAYED_VIDEO,1",
                "course-v1:edX+DemoX+Test_2014,2014-06-16,2014-06-23,ACTIVE,4",
                "course-v1:edX+DemoX+Test_2014,2014-06-16,2014-06-23,ATTEMPTED_PROBLEM,1",
                "course-v1:edX+DemoX+Test_2014,2014-06-16,2014-06-23,PLAYED_VIDEO,3",
                "edX/Open_DemoX/edx_demo_course,2014-06-09,2014-06-16,ACTIVE,1",
                "edX/Open_DemoX/edx_demo_course,2014-06-09,2014-06-16,PLAYED_VIDEO,1",
                "edX/Open_DemoX/edx_demo_course,2014-06-16,2014-06-23,ACTIVE,4",
                "edX/Open_DemoX/edx_demo_course,2014-06-16,2014-06-23,ATTEMPTED_PROBLEM,2",
                "edX/Open_DemoX/edx_demo_course,2014-06-16,2014-06-23,PLAYED_VIDEO,3",
            ],
            ReportTestKit.Lines(Path.Combine(_dir.FullName, "weekly_activity.csv")));
        Assert.Contains(Path.Combine(_dir.FullName, "index.html"), files.Files);
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "countries.csv")));
        Assert.Contains(files.Notes, n => n.StartsWith("countries.csv skipped", StringComparison.Ordinal));
    }

    /// <summary>
    /// The same file by event family. By hand (<c>jq -r '.event_type'</c>, grouped): the 4 enrollment activations
    /// (2014-04-18); browser video events play_video 12, load_video 4, seek_video 4, show_transcript 3,
    /// hide_transcript 1 = 24; problem events problem_check 12 (browser) + 9 (server), problem_graded 9,
    /// problem_show 1, showanswer 1 = 32; navigation seq_goto 9, seq_next 6, seq_prev 2 = 17; page: the 123 implicit
    /// events (types starting with '/') and 7 page_close = 130. 4 + 24 + 32 + 17 + 130 = 207 lines.
    /// </summary>
    [EdxCorpusFact]
    public async Task EventsDaily_UserActivityAcceptanceLog_FamiliesAddUp()
    {
        using LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.File("user_activity_tracking.log")], new ReportOptions());

        var byFamily = new Dictionary<EventFamily, long>();
        foreach (EventsDailyRow row in reports.EventsDaily!.Rows!)
        {
            byFamily[row.Family] = byFamily.GetValueOrDefault(row.Family) + row.Events;
        }

        Assert.Equal(4, byFamily[EventFamily.Enrollment]);
        Assert.Equal(24, byFamily[EventFamily.Video]);
        Assert.Equal(32, byFamily[EventFamily.Problem]);
        Assert.Equal(17, byFamily[EventFamily.Navigation]);
        Assert.Equal(130, byFamily[EventFamily.Page]);
        Assert.False(byFamily.ContainsKey(EventFamily.Forum));
        Assert.False(byFamily.ContainsKey(EventFamily.Other));
        Assert.Contains(reports.EventsDaily.Rows!, r => r is { CourseId: "", Day: { Year: 2014, Month: 6, Day: 19 }, Family: EventFamily.Page });
    }

    /// <summary>
    /// enrollment_trends_tracking.log, 15 enrollment events, through edX's state machine (enrollments.py,
    /// DaysEnrolledForEvents). edX/Open_DemoX/edx_demo_course: 07-30 users 5 and 6 enroll (2); 08-01 users 2-4 enroll
    /// and user 1 enrolls and leaves the same day, no change (5); 08-02 user 2 leaves (4); 08-03 user 2 enrolls again
    /// (5); 08-04 user 2 leaves (4); 08-05 users 3 and 6 leave (2); 08-06 user 4 leaves (1).
    /// course-v1:edX+Open_DemoX+edx_demo_course2: 08-03 user 2 (1); 08-05 user 1 (2).
    /// edX's acceptance test (test_enrollments.py, validate_gender and validate_mode) expects, per day, the learners
    /// enrolled at the end of it summed over genders or modes: demo course 3, 2, 3, 2, 1, 0 on 08-01 to 08-06, the
    /// second course 1, 1, 2, 2 on 08-03 to 08-06. Those tables join auth_userprofile, which holds users 1-4 only:
    /// users 5 and 6 (enrolled 07-30, user 6 leaving 08-05) add 2, 2, 2, 2, 1, 1 to the demo course here.
    /// </summary>
    [EdxCorpusFact]
    public async Task EnrollmentDaily_EnrollmentTrendsLog_EdxStateMachine()
    {
        using LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.File("enrollment_trends_tracking.log")], new ReportOptions());
        ReportWriter.Write(reports, _dir.FullName);

        (string[] header, List<string[]> rows) = ReportTestKit.ReadCsv(Path.Combine(_dir.FullName, "enrollment_daily.csv"));
        Assert.Equal(["course_id", "day", "activations", "deactivations", "mode_changes", "net_enrollment"], header);
        Assert.Equal(
            [
                "course-v1:edX+Open_DemoX+edx_demo_course2,2014-08-03,1,0,0,1",
                "course-v1:edX+Open_DemoX+edx_demo_course2,2014-08-05,1,0,0,2",
                "edX/Open_DemoX/edx_demo_course,2014-07-30,2,0,0,2",
                "edX/Open_DemoX/edx_demo_course,2014-08-01,3,0,0,5",
                "edX/Open_DemoX/edx_demo_course,2014-08-02,0,1,0,4",
                "edX/Open_DemoX/edx_demo_course,2014-08-03,1,0,0,5",
                "edX/Open_DemoX/edx_demo_course,2014-08-04,0,1,0,4",
                "edX/Open_DemoX/edx_demo_course,2014-08-05,0,2,0,2",
                "edX/Open_DemoX/edx_demo_course,2014-08-06,0,1,0,1",
            ],
            ReportTestKit.Lines(Path.Combine(_dir.FullName, "enrollment_daily.csv")));

        // edX's expected counts for users 1-4, once users 5 and 6 are taken out.
        int[] edxDemo = [3, 2, 3, 2, 1, 0];
        int[] users5And6 = [2, 2, 2, 2, 1, 1];
        for (int d = 0; d < 6; d++)
        {
            string day = new DateOnly(2014, 8, 1).AddDays(d).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            string[]? row = rows.LastOrDefault(r => r[0] == "edX/Open_DemoX/edx_demo_course" && string.CompareOrdinal(r[1], day) <= 0);
            Assert.NotNull(row);
            Assert.Equal(edxDemo[d] + users5And6[d], int.Parse(row[5], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [EdxCorpusFact]
    public async Task Filter_FromAndCourse_KeepOnlyThoseEvents()
    {
        var options = new ReportOptions { From = new DateOnly(2014, 6, 16), Courses = ["course-v1:edX+DemoX+Test_2014"] };
        using LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.File("user_activity_tracking.log")], options);

        Assert.Equal(
            ["course-v1:edX+DemoX+Test_2014 2014-06-16 ACTIVE 4", "course-v1:edX+DemoX+Test_2014 2014-06-16 ATTEMPTED_PROBLEM 1", "course-v1:edX+DemoX+Test_2014 2014-06-16 PLAYED_VIDEO 3"],
            reports.WeeklyActivity!.Rows!.Select(r => $"{r.CourseId} {r.IntervalStart:yyyy-MM-dd} {r.Label} {r.Count}"));
        Assert.All(reports.EventsDaily!.Rows!, r => Assert.Equal("course-v1:edX+DemoX+Test_2014", r.CourseId));
        Assert.All(reports.EventsDaily!.Rows!, r => Assert.True(r.Day >= new DateOnly(2014, 6, 16)));
    }

    [EdxCorpusFact]
    public async Task Filter_To_IsInclusive()
    {
        var options = new ReportOptions { To = new DateOnly(2014, 6, 12) };
        using LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.File("user_activity_tracking.log")], options);

        Assert.Equal(
            ["course-v1:edX+DemoX+Test_2014 2014-05-19 ACTIVE 1", "course-v1:edX+DemoX+Test_2014 2014-05-19 PLAYED_VIDEO 1",
             "edX/Open_DemoX/edx_demo_course 2014-06-09 ACTIVE 1", "edX/Open_DemoX/edx_demo_course 2014-06-09 PLAYED_VIDEO 1"],
            reports.WeeklyActivity!.Rows!.Select(r => $"{r.CourseId} {r.IntervalStart:yyyy-MM-dd} {r.Label} {r.Count}"));
    }

    /// <summary>Every corpus log at once (a few of its lines are deliberately malformed and rejected), on 1 thread and on 4 with tiny batches (many partials, many merges): the same files.</summary>
    [EdxCorpusFact]
    public async Task AllReports_OneThreadVersusFour_IdenticalCsvs()
    {
        var options = new ReportOptions { PublicDataDir = XAnalytics.Tests.Reports.Reference.PublicData.Directory };
        string one = Path.Combine(_dir.FullName, "one");
        string four = Path.Combine(_dir.FullName, "four");
        using (LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.Directory!], options, threads: 1, allowRejects: true))
        {
            ReportWriter.Write(reports, one);
        }

        using (LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.Directory!], options, threads: 4, batchEvents: 7, allowRejects: true))
        {
            ReportWriter.Write(reports, four);
        }

        string[] csvs = Directory.GetFiles(one, "*.csv");
        Assert.True(csvs.Length >= 5);
        foreach (string csv in csvs)
        {
            string name = Path.GetFileName(csv);
            Assert.Equal(File.ReadAllText(csv), File.ReadAllText(Path.Combine(four, name)));
            (string[] header, List<string[]> rows) = ReportTestKit.ReadCsv(csv);
            Assert.NotEmpty(header);

            // The metric ranges cover the week ending on the corpus's last day (2017-07-24, the active-users log), which
            // has no module engagement: rightly empty.
            if (name != "module_engagement_metric_ranges.csv")
            {
                Assert.NotEmpty(rows);
            }
        }

        string[] pages = Directory.GetFiles(Path.Combine(one, "courses"), "*.html");
        Assert.NotEmpty(pages);
        foreach (string page in pages)
        {
            Assert.Equal(File.ReadAllText(page), File.ReadAllText(Path.Combine(four, "courses", Path.GetFileName(page))));
        }
    }

    [EdxCorpusFact]
    public async Task Only_OneTable_WritesThatTableAlone()
    {
        using LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.File("user_activity_tracking.log")], new ReportOptions { Only = [ReportSections.WeeklyActivity] });
        ReportWriter.Write(reports, _dir.FullName);

        Assert.Null(reports.EventsDaily);
        Assert.Null(reports.EnrollmentDaily);
        Assert.NotEmpty(reports.WeeklyActivity!.Rows!);
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "weekly_activity.csv")));
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "daily_active.csv")));
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "events_daily.csv")));
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "enrollment_daily.csv")));
        Assert.DoesNotContain(reports.Notes, n => n.StartsWith("countries.csv skipped", StringComparison.Ordinal));
        string html = File.ReadAllText(Path.Combine(_dir.FullName, "index.html"));
        Assert.Contains("Weekly activity", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Events per day", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_UnknownName_IsRefusedWithTheNearestName()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => LearnerReports.Create(new ReportOptions { Only = ["weekly_activty"] }));
        Assert.Contains("'weekly_activity'", e.Message, StringComparison.Ordinal);
        Assert.Contains("events_daily", e.Message, StringComparison.Ordinal);
    }
}
