using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>Weekly activity takes the course from the URL when <c>context.course_id</c> is missing, as the issue asks.</summary>
public sealed class WeeklyActivityUrlTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-weekly-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task WeeklyActivity_NoContextCourseButCourseUrl_CountsActiveForThatCourse()
    {
        string log = Path.Combine(_dir.FullName, "t.log");
        File.WriteAllLines(log,
        [
            // Implicit server event: the course is only in the URL (event_type).
            """{"username": "learner_u1", "event_type": "/courses/course-v1:OrgX+C1+2015_T1/courseware/", "event_source": "server", "time": "2015-03-04T10:00:00+00:00", "context": {"user_id": 7}, "event": "{}"}""",
            // Another user, same week, the same course named in context in the old id shape: the same course.
            """{"username": "learner_u3", "event_type": "seq_next", "event_source": "browser", "time": "2015-03-05T10:00:00+00:00", "context": {"user_id": 9, "course_id": "OrgX/C1/2015_T1"}, "event": "{}"}""",
            // No course anywhere: not activity.
            """{"username": "learner_u2", "event_type": "/dashboard", "event_source": "server", "time": "2015-03-04T11:00:00+00:00", "context": {"user_id": 8}, "event": "{}"}""",
        ]);

        using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions());

        // learner_u1 (course from the URL) and learner_u3 (from context); learner_u2 has no course.
        WeeklyActivityRow row = Assert.Single(reports.WeeklyActivity!.Rows!);
        // One course, written as edX writes it: an event named it course-v1:, so that form, whichever thread saw what.
        Assert.Equal(("course-v1:OrgX+C1+2015_T1", new DateOnly(2015, 3, 2), new DateOnly(2015, 3, 9), "ACTIVE", 2L),
            (row.CourseId, row.IntervalStart, row.IntervalEnd, row.Label, row.Count));
    }
}
