using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>edX's enrollment tables (enrollments.py): course_enrollment_daily, course_enrollment_mode_daily, course_enrollment_summary.</summary>
public sealed class EnrollmentSectionTests : IDisposable
{
    private const string Course = "course-v1:OrgX+C1+2015_T1";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-edx-enrollment-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// edX's acceptance test (test_enrollments.py) runs <c>ImportEnrollmentsIntoMysql --interval 2014-07-30-2014-08-07
    /// --overwrite-n-days 7</c> over enrollment_trends_tracking.log: with <c>overwrite_n_days</c> 7 the enrollment events
    /// are read for the last 7 days of the interval only (2014-07-31 to 2014-08-06), which is why users 5 and 6 (who
    /// enrolled on 07-30) are in none of its expected rows, and why user 6's deactivation on 08-05 (their first event
    /// then) adds a record with nothing enrolled (cumulative 5 on 08-05). The same days here are <c>--from 2014-07-31
    /// --to 2014-08-06</c>. Expected rows are validate_base, validate_mode and
    /// fixtures/output/acceptance_expected_d_user_course.csv (validate_summary), as edX's test has them.
    /// </summary>
    [EdxCorpusFact]
    public async Task EnrollmentTrendsLog_AsEdxAcceptanceTest()
    {
        var options = new ReportOptions { From = new DateOnly(2014, 7, 31), To = new DateOnly(2014, 8, 6), Only = [EnrollmentSection.SectionName] };
        using LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.File("enrollment_trends_tracking.log")], options);
        ReportWriter.Write(reports, _dir.FullName);

        (string[] header, _) = ReportTestKit.ReadCsv(Path.Combine(_dir.FullName, "course_enrollment_daily.csv"));
        Assert.Equal(["date", "course_id", "count", "cumulative_count"], header);
        Assert.Equal(
            [
                "2014-08-01,edX/Open_DemoX/edx_demo_course,3,4",
                "2014-08-02,edX/Open_DemoX/edx_demo_course,2,4",
                "2014-08-03,course-v1:edX+Open_DemoX+edx_demo_course2,1,1",
                "2014-08-03,edX/Open_DemoX/edx_demo_course,3,4",
                "2014-08-04,course-v1:edX+Open_DemoX+edx_demo_course2,1,1",
                "2014-08-04,edX/Open_DemoX/edx_demo_course,2,4",
                "2014-08-05,course-v1:edX+Open_DemoX+edx_demo_course2,2,2",
                "2014-08-05,edX/Open_DemoX/edx_demo_course,1,5",
                "2014-08-06,course-v1:edX+Open_DemoX+edx_demo_course2,2,2",
                "2014-08-06,edX/Open_DemoX/edx_demo_course,0,5",
            ],
            ReportTestKit.Lines(Path.Combine(_dir.FullName, "course_enrollment_daily.csv")));

        Assert.Equal(
            [
                "2014-08-01,edX/Open_DemoX/edx_demo_course,audit,1,1",
                "2014-08-01,edX/Open_DemoX/edx_demo_course,honor,1,2",
                "2014-08-01,edX/Open_DemoX/edx_demo_course,verified,1,1",
                "2014-08-02,edX/Open_DemoX/edx_demo_course,audit,0,1",
                "2014-08-02,edX/Open_DemoX/edx_demo_course,honor,1,2",
                "2014-08-02,edX/Open_DemoX/edx_demo_course,verified,1,1",
                "2014-08-03,course-v1:edX+Open_DemoX+edx_demo_course2,verified,1,1",
                "2014-08-03,edX/Open_DemoX/edx_demo_course,audit,1,1",
                "2014-08-03,edX/Open_DemoX/edx_demo_course,honor,1,2",
                "2014-08-03,edX/Open_DemoX/edx_demo_course,verified,1,1",
                "2014-08-04,course-v1:edX+Open_DemoX+edx_demo_course2,verified,1,1",
                "2014-08-04,edX/Open_DemoX/edx_demo_course,honor,1,3",
                "2014-08-04,edX/Open_DemoX/edx_demo_course,verified,1,1",
                "2014-08-05,course-v1:edX+Open_DemoX+edx_demo_course2,honor,1,1",
                "2014-08-05,course-v1:edX+Open_DemoX+edx_demo_course2,verified,1,1",
                "2014-08-05,edX/Open_DemoX/edx_demo_course,honor,1,3",
                "2014-08-05,edX/Open_DemoX/edx_demo_course,verified,0,2",
                "2014-08-06,course-v1:edX+Open_DemoX+edx_demo_course2,honor,1,1",
                "2014-08-06,course-v1:edX+Open_DemoX+edx_demo_course2,verified,1,1",
                "2014-08-06,edX/Open_DemoX/edx_demo_course,honor,0,3",
                "2014-08-06,edX/Open_DemoX/edx_demo_course,verified,0,2",
            ],
            ReportTestKit.Lines(Path.Combine(_dir.FullName, "course_enrollment_mode_daily.csv")));

        (header, _) = ReportTestKit.ReadCsv(Path.Combine(_dir.FullName, "course_enrollment_summary.csv"));
        Assert.Equal(
            ["course_id", "user_id", "current_enrollment_mode", "current_enrollment_is_active", "first_enrollment_mode", "first_enrollment_time",
                "last_unenrollment_time", "first_verified_enrollment_time", "first_credit_enrollment_time", "end_time"],
            header);
        Assert.Equal(
            [
                "course-v1:edX+Open_DemoX+edx_demo_course2,1,honor,1,honor,2014-08-05 18:34:05.474003,,,,2014-08-07 00:00:00.000000",
                "course-v1:edX+Open_DemoX+edx_demo_course2,2,verified,1,verified,2014-08-03 18:34:05.474003,,2014-08-03 18:34:05.474003,,2014-08-07 00:00:00.000000",
                "edX/Open_DemoX/edx_demo_course,1,honor,0,honor,2014-08-01 17:09:59.941616,2014-08-01 18:34:05.474003,,,2014-08-07 00:00:00.000000",
                "edX/Open_DemoX/edx_demo_course,2,audit,0,audit,2014-08-01 17:10:04.587707,2014-08-04 18:34:05.474003,,,2014-08-07 00:00:00.000000",
                "edX/Open_DemoX/edx_demo_course,3,verified,0,verified,2014-08-01 17:10:07.989504,2014-08-05 18:34:05.474003,2014-08-01 17:10:07.989504,,2014-08-07 00:00:00.000000",
                "edX/Open_DemoX/edx_demo_course,4,honor,0,honor,2014-08-01 17:10:11.440312,2014-08-06 18:34:05.474003,,,2014-08-07 00:00:00.000000",
            ],
            ReportTestKit.Lines(Path.Combine(_dir.FullName, "course_enrollment_summary.csv")));

        EnrollmentSection section = reports.Section<EnrollmentSection>()!;
        Assert.Equal(10, section.Daily!.Count);
        Assert.Null(reports.EnrollmentDaily);
    }

    private static string Enrollment(string type, int user, string time, string? mode = "audit", string course = Course)
    {
        string modeJson = mode is null ? "" : $$""", "mode": "{{mode}}" """;
        return $$$"""{"username": "learner_{{{user}}}", "event_type": "edx.course.enrollment.{{{type}}}", "event_source": "server", "time": "{{{time}}}", "context": {"course_id": "{{{course}}}"}, "event": {"course_id": "{{{course}}}", "user_id": {{{user}}}{{{modeJson}}}}}""";
    }

    private async Task<LearnerReports> RunAsync(ReportOptions options, params string[] lines)
    {
        string log = Path.Combine(_dir.FullName, "tracking.log");
        await File.WriteAllLinesAsync(log, lines);
        return await ReportTestKit.RunAsync([log], options with { Only = [EnrollmentSection.SectionName] }, threads: 2, batchEvents: 2);
    }

    [Fact]
    public async Task EnrolledLearner_RecordsRunToTheEndOfTheInterval()
    {
        // Enrolled on the 1st, nothing more: edX writes a record for every day up to --to, gaps included.
        using LearnerReports reports = await RunAsync(new ReportOptions { To = new DateOnly(2015, 3, 4) },
            Enrollment("activated", 1, "2015-03-01T10:00:00+00:00"),
            Enrollment("activated", 2, "2015-03-03T10:00:00+00:00", mode: "verified"),
            Enrollment("deactivated", 2, "2015-03-03T11:00:00+00:00", mode: "verified"));
        EnrollmentSection section = reports.Section<EnrollmentSection>()!;

        Assert.Equal(
            ["2015-03-01 1 1", "2015-03-02 1 1", "2015-03-03 1 2", "2015-03-04 1 2"],
            section.Daily!.Select(r => $"{r.Date:yyyy-MM-dd} {r.Count} {r.CumulativeCount}"));
        Assert.Equal(
            ["2015-03-01 audit 1 1", "2015-03-02 audit 1 1", "2015-03-03 audit 1 1", "2015-03-03 verified 0 1", "2015-03-04 audit 1 1", "2015-03-04 verified 0 1"],
            section.ModeDaily!.Select(r => $"{r.Date:yyyy-MM-dd} {r.Mode} {r.Count} {r.CumulativeCount}"));
        CourseEnrollmentSummaryRow two = Assert.Single(section.Summary!, r => r.UserId == 2);
        Assert.False(two.CurrentEnrollmentIsActive);
        Assert.Equal(new DateTime(2015, 3, 3, 11, 0, 0, DateTimeKind.Utc), two.LastUnenrollmentTime);
        Assert.Equal(new DateTime(2015, 3, 3, 10, 0, 0, DateTimeKind.Utc), two.FirstVerifiedEnrollmentTime);
        Assert.Equal(new DateTime(2015, 3, 5, 0, 0, 0, DateTimeKind.Utc), two.EndTime);
    }

    [Fact]
    public async Task EventsWithoutModeOrUser_AreLeftOutAsEdxMapperDoes()
    {
        using LearnerReports reports = await RunAsync(new ReportOptions(),
            Enrollment("activated", 1, "2015-03-01T10:00:00+00:00", mode: null),
            """{"username": "learner_9", "event_type": "edx.course.enrollment.activated", "event_source": "server", "time": "2015-03-01T10:00:00+00:00", "context": {"course_id": "course-v1:OrgX+C1+2015_T1", "user_id": 9}, "event": {"mode": "audit"}}""",
            Enrollment("activated", 3, "2015-03-01T12:00:00+00:00", course: "  course-v1:OrgX+C1+2015_T1 "));
        EnrollmentSection section = reports.Section<EnrollmentSection>()!;

        // Only user 3 (whose course id edX strips of its spaces) counts.
        CourseEnrollmentSummaryRow row = Assert.Single(section.Summary!);
        Assert.Equal(3, row.UserId);
        Assert.Equal(["2015-03-01 1 1"], section.Daily!.Select(r => $"{r.Date:yyyy-MM-dd} {r.Count} {r.CumulativeCount}"));
    }

    /// <summary>
    /// Courses are keyed by their id as edX keys them: a CCX (ccx-v1:) is a course of its own, not its parent; a run
    /// written 2015Q1 stays 2015Q1; an id written with JSON escapes (edX\/DemoX\/T1) or white space escaped around it
    /// is the unescaped, stripped id (edX's JSON decoder and normalize_course_id).
    /// </summary>
    [Fact]
    public async Task CourseIds_CcxQuarterRunsAndEscapes_AsEdxKeysThem()
    {
        using LearnerReports reports = await RunAsync(new ReportOptions { To = new DateOnly(2015, 3, 1) },
            Enrollment("activated", 1, "2015-03-01T10:00:00+00:00", course: "ccx-v1:OrgX+C1+2015_T1+ccx@101"),
            Enrollment("activated", 2, "2015-03-01T10:00:00+00:00"),
            Enrollment("activated", 3, "2015-03-01T10:00:00+00:00", course: "course-v1:OrgX+C1+2015Q1"),
            Enrollment("activated", 4, "2015-03-01T10:00:00+00:00", course: "OrgX\\/C2\\/2015_T1"),
            Enrollment("activated", 5, "2015-03-01T10:00:00+00:00", course: "course-v1:OrgX+C3+2015_T1\\n"));
        EnrollmentSection section = reports.Section<EnrollmentSection>()!;

        Assert.Equal(
            ["2015-03-01 OrgX/C2/2015_T1 1 1", "2015-03-01 ccx-v1:OrgX+C1+2015_T1+ccx@101 1 1", "2015-03-01 course-v1:OrgX+C1+2015Q1 1 1",
                "2015-03-01 course-v1:OrgX+C1+2015_T1 1 1", "2015-03-01 course-v1:OrgX+C3+2015_T1 1 1"],
            section.Daily!.Select(r => $"{r.Date:yyyy-MM-dd} {r.CourseId} {r.Count} {r.CumulativeCount}").Order(StringComparer.Ordinal));
        Assert.Equal(
            ["OrgX/C2/2015_T1 4", "ccx-v1:OrgX+C1+2015_T1+ccx@101 1", "course-v1:OrgX+C1+2015Q1 3", "course-v1:OrgX+C1+2015_T1 2", "course-v1:OrgX+C3+2015_T1 5"],
            section.Summary!.Select(r => $"{r.CourseId} {r.UserId}").Order(StringComparer.Ordinal));
    }

    /// <summary>edX keeps any non-null <c>event.user_id</c> (enrollments.py checks only <c>is None</c>): 0 and negative ids are learners too.</summary>
    [Fact]
    public async Task UserIdZeroOrNegative_CountedAsEdxDoes()
    {
        using LearnerReports reports = await RunAsync(new ReportOptions { To = new DateOnly(2015, 3, 1) },
            Enrollment("activated", 0, "2015-03-01T10:00:00+00:00"),
            Enrollment("activated", -5, "2015-03-01T10:00:00+00:00"));
        EnrollmentSection section = reports.Section<EnrollmentSection>()!;

        Assert.Equal([-5L, 0L], section.Summary!.Select(r => r.UserId).Order());
        Assert.Equal(["2015-03-01 2 2"], section.Daily!.Select(r => $"{r.Date:yyyy-MM-dd} {r.Count} {r.CumulativeCount}"));
    }

    [Fact]
    public async Task DeactivationOrModeChangeOnly_NoSummaryButCountedRecords()
    {
        using LearnerReports reports = await RunAsync(new ReportOptions(),
            Enrollment("deactivated", 1, "2015-03-01T10:00:00+00:00"),
            Enrollment("mode_changed", 2, "2015-03-01T10:00:00+00:00", mode: "verified"),
            Enrollment("activated", 3, "2015-03-02T10:00:00+00:00", mode: "honor"),
            Enrollment("mode_changed", 3, "2015-03-02T11:00:00+00:00", mode: "verified"),
            Enrollment("mode_changed", 3, "2015-03-02T12:00:00+00:00", mode: "credit"));
        EnrollmentSection section = reports.Section<EnrollmentSection>()!;

        CourseEnrollmentSummaryRow row = Assert.Single(section.Summary!);
        Assert.Equal(("honor", "credit", true), (row.FirstEnrollmentMode, row.CurrentEnrollmentMode, row.CurrentEnrollmentIsActive));
        Assert.Equal(new DateTime(2015, 3, 2, 11, 0, 0, DateTimeKind.Utc), row.FirstVerifiedEnrollmentTime);
        Assert.Equal(new DateTime(2015, 3, 2, 12, 0, 0, DateTimeKind.Utc), row.FirstCreditEnrollmentTime);
        Assert.Equal(["2015-03-01 0 2", "2015-03-02 1 3"], section.Daily!.Select(r => $"{r.Date:yyyy-MM-dd} {r.Count} {r.CumulativeCount}"));
    }
}
