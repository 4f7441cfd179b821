using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Reports;
using XAnalytics.Tests.Reports.Reference;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// The report's built-in parts (events_daily, enrollment_daily, countries) write the same partial bytes whatever order
/// the events came in: they used to write the course table in the order threads met the courses, and their entries in
/// their tables' order (a review found two runs of one <c>--partial -j 4</c> differing there).
/// </summary>
public sealed class BuiltInPartialBytesTests
{
    private const string CourseA = "course-v1:OrgX+C1+2015_T1";
    private const string CourseB = "OrgY/C2/2015";

    private static string Enrollment(string type, int user, string time, string course, string mode = "audit")
        => $$$"""{"username": "learner_{{{user}}}", "event_type": "edx.course.enrollment.{{{type}}}", "event_source": "server", "time": "{{{time}}}", "ip": "81.2.69.142", "context": {"course_id": "{{{course}}}", "user_id": {{{user}}}}, "event": {"course_id": "{{{course}}}", "user_id": {{{user}}}, "mode": "{{{mode}}}"}}""";

    private static string Play(int user, string time, string course, string ip)
        => $$$"""{"username": "learner_{{{user}}}", "event_type": "play_video", "event_source": "browser", "time": "{{{time}}}", "ip": "{{{ip}}}", "context": {"course_id": "{{{course}}}", "user_id": {{{user}}}}, "event": "{}"}""";

    private static readonly string[] s_lines =
    [
        Play(1, "2015-03-01T10:00:00Z", CourseA, "89.160.20.120"),
        Enrollment("activated", 1, "2015-03-01T09:00:00Z", CourseA),
        Enrollment("mode_changed", 1, "2015-03-03T09:00:00Z", CourseA, "verified"),
        Enrollment("deactivated", 1, "2015-03-02T09:00:00Z", CourseA),
        Play(2, "2015-03-02T10:00:00Z", CourseB, "216.160.83.60"),
        Enrollment("activated", 2, "2015-03-02T08:00:00Z", CourseB),
        Play(3, "2015-03-04T10:00:00Z", CourseB, "175.16.199.255"),
        Play(3, "2015-03-01T10:00:00Z", CourseA, "67.43.156.1"),
        Enrollment("activated", 3, "2015-03-01T08:00:00Z", CourseA),
        """{"username": "anon", "event_type": "/about", "event_source": "server", "time": "2015-03-05T10:00:00Z", "context": {"user_id": null}, "event": {}}""",
    ];

    private static byte[] Write<T>(LearnerReports reports, IPartialAggregate<T> part, IEnumerable<string> lines)
        where T : class
    {
        T partial = part.CreatePartial();
        using EventBatch batch = Batches.Parse([.. lines]);
        part.Accumulate(partial, batch);
        var writer = new PartialWriter();
        part.WritePartial(partial, writer);
        return writer.WrittenSpan.ToArray();
    }

    [Fact]
    public void EventsDailyAndEnrollmentDaily_SameEventsInAnotherOrder_SameBytes()
    {
        using LearnerReports forward = LearnerReports.Create(new ReportOptions());
        using LearnerReports backward = LearnerReports.Create(new ReportOptions());

        // The enrollment part first in each, so each report meets the courses in its own order.
        byte[] enrollment = Write(forward, forward.EnrollmentDaily!, s_lines);
        Assert.Equal(enrollment, Write(backward, backward.EnrollmentDaily!, s_lines.Reverse()));
        Assert.Equal(Write(forward, forward.EventsDaily!, s_lines), Write(backward, backward.EventsDaily!, s_lines.Reverse()));
        Assert.True(enrollment.Length > 40, $"{enrollment.Length} bytes: the learners' events are written");
    }

    [PublicDataFact]
    public void Countries_SameEventsInAnotherOrder_SameBytes()
    {
        var options = new ReportOptions { PublicDataDir = PublicData.Directory };
        using LearnerReports forward = LearnerReports.Create(options);
        using LearnerReports backward = LearnerReports.Create(options);
        Assert.NotNull(forward.Countries);

        Assert.Equal(Write(forward, forward.Countries!, s_lines), Write(backward, backward.Countries!, s_lines.Reverse()));
    }
}
