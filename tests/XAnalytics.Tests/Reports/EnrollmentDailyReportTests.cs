using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary><c>enrollment_daily.csv</c> follows edX's per-learner enrollment state machine, not raw event counts.</summary>
public sealed class EnrollmentDailyReportTests : IDisposable
{
    private const string Course = "course-v1:OrgX+C1+2015_T1";
    private const string Written = Course; // written as the log writes it
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-enrollment-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Enrollment(string type, int user, string time, string mode = "audit", bool browserString = false)
    {
        string data = $$"""{"course_id": "{{Course}}", "user_id": {{user}}, "mode": "{{mode}}"}""";
        string eventJson = browserString ? System.Text.Json.JsonSerializer.Serialize(data) : data;
        return $$"""{"username": "learner_{{user}}", "event_type": "edx.course.enrollment.{{type}}", "event_source": "server", "time": "{{time}}", "context": {"course_id": "{{Course}}"}, "event": {{eventJson}}}""";
    }

    private async Task<string[]> RowsAsync(params string[] lines)
    {
        string log = Path.Combine(_dir.FullName, "tracking.log");
        await File.WriteAllLinesAsync(log, lines);
        using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions(), threads: 2, batchEvents: 2);
        ReportWriter.Write(reports, Path.Combine(_dir.FullName, "out"));
        return ReportTestKit.Lines(Path.Combine(_dir.FullName, "out", "enrollment_daily.csv"));
    }

    [Fact]
    public async Task ActivateTwice_CountsOnce()
    {
        string[] rows = await RowsAsync(
            Enrollment("activated", 1, "2015-03-01T10:00:00Z"),
            Enrollment("activated", 1, "2015-03-02T10:00:00Z"),
            Enrollment("deactivated", 1, "2015-03-03T10:00:00Z"));

        Assert.Equal([$"{Written},2015-03-01,1,0,0,1", $"{Written},2015-03-02,0,0,0,1", $"{Written},2015-03-03,0,1,0,0"], rows);
    }

    [Fact]
    public async Task DeactivateWithoutActivate_NeverNegative()
    {
        string[] rows = await RowsAsync(
            Enrollment("deactivated", 1, "2015-03-01T10:00:00Z"),
            Enrollment("deactivated", 2, "2015-03-01T11:00:00Z"),
            Enrollment("activated", 3, "2015-03-02T10:00:00Z"));

        Assert.Equal([$"{Written},2015-03-01,0,0,0,0", $"{Written},2015-03-02,1,0,0,1"], rows);
    }

    [Fact]
    public async Task ReEnroll_LastEventByTimeWinsWhateverTheFileOrder()
    {
        // The file is out of time order; the learner leaves on the 2nd and comes back on the 4th.
        string[] rows = await RowsAsync(
            Enrollment("activated", 1, "2015-03-04T09:00:00Z", browserString: true),
            Enrollment("activated", 1, "2015-03-01T10:00:00Z"),
            Enrollment("deactivated", 1, "2015-03-02T10:00:00Z"),
            Enrollment("mode_changed", 1, "2015-03-04T10:00:00Z", mode: "verified"),
            Enrollment("mode_changed", 1, "2015-03-04T11:00:00Z", mode: "verified"));

        Assert.Equal([$"{Written},2015-03-01,1,0,0,1", $"{Written},2015-03-02,0,1,0,0", $"{Written},2015-03-04,1,0,1,1"], rows);
    }

    [Fact]
    public async Task SameInstant_TiesBrokenAsEdxSorts()
    {
        // Same timestamp: edX sorts (time, event_type, mode), so "activated" comes before "deactivated": out at the end.
        string[] rows = await RowsAsync(
            Enrollment("deactivated", 1, "2015-03-01T10:00:00Z"),
            Enrollment("activated", 1, "2015-03-01T10:00:00Z"));

        Assert.Equal([$"{Written},2015-03-01,0,0,0,0"], rows);
    }
}
