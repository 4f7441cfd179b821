using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

public sealed class ReportWriterTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-writer-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Write_AwkwardCourseIds_CsvParsesBackToTheSameText()
    {
        // A course id with the punctuation edX's keys allow in the old Org/Num/Run shape ([\w.%-]) must survive the
        // round trip. (A comma or a quote is no course to edX's keys, nor here since 2026-12-05.)
        string log = Path.Combine(_dir.FullName, "t.log");
        await File.WriteAllLinesAsync(log,
        [
            """{"event_type": "play_video", "event_source": "browser", "time": "2015-03-02T10:00:00Z", "context": {"course_id": "Org/Num.x-%2C%22y%22/Run", "user_id": 7}}""",
            """{"event_type": "edx.course.enrollment.mode_changed", "event_source": "server", "time": "2015-03-02T23:59:59.999999-01:00", "context": {"course_id": "Org/Num.x-%2C%22y%22/Run", "user_id": 7}, "event": {"mode": "verified"}}""",
        ]);
        using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions());
        ReportFiles files = ReportWriter.Write(reports, Path.Combine(_dir.FullName, "out"));

        (_, List<string[]> daily) = ReportTestKit.ReadCsv(Path.Combine(files.Directory, "events_daily.csv"));
        // The -01:00 time is 2015-03-03 in UTC.
        Assert.Equal(
            ["2015-03-02 Org/Num.x-%2C%22y%22/Run video 1", "2015-03-03 Org/Num.x-%2C%22y%22/Run enrollment 1"],
            daily.Select(r => string.Join(' ', r)));
        (_, List<string[]> enrollment) = ReportTestKit.ReadCsv(Path.Combine(files.Directory, "enrollment_daily.csv"));
        Assert.Equal(["Org/Num.x-%2C%22y%22/Run", "2015-03-03", "0", "0", "1", "0"], enrollment.Single());
        Assert.All(files.Files, f => Assert.True(File.Exists(f), f));
        Assert.Empty(Directory.GetDirectories(files.Directory, ".report-*"));
        Assert.True(new FileInfo(Path.Combine(files.Directory, "charts", "daily_active.png")).Length > 1000);
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(files.Directory, "charts", "daily_active.svg")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrawsCharts_TablesThatWriteCharts_AreTheOnesThatWarmTheRenderer()
    {
        // A run whose tables write a chart must warm the renderer; one of the problem or video tables alone writes none
        // and skips the warm-up (countries needs a GeoIP database, so it is left out here).
        string log = Path.Combine(_dir.FullName, "t.log");
        await File.WriteAllLinesAsync(log,
        [
            """{"event_type": "play_video", "event_source": "browser", "time": "2015-03-02T10:00:00Z", "username": "learner_a", "context": {"course_id": "Org/Num/Run", "user_id": 7}, "event": "{\"id\": \"v1\", \"currentTime\": 3}"}""",
            """{"event_type": "edx.course.enrollment.activated", "event_source": "server", "time": "2015-03-02T11:00:00Z", "username": "learner_a", "context": {"course_id": "Org/Num/Run", "user_id": 7}, "event": {"mode": "audit", "course_id": "Org/Num/Run", "user_id": 7}}""",
            """{"event_type": "problem_check", "event_source": "server", "time": "2015-03-02T12:00:00Z", "username": "learner_a", "context": {"course_id": "Org/Num/Run", "user_id": 7}, "event": {"problem_id": "p1", "answers": {"p1_2_1": "choice_1"}, "correct_map": {"p1_2_1": {"correctness": "correct"}}, "success": "correct"}}""",
        ]);
        var charted = new List<string>();
        foreach (string name in ReportSections.Names)
        {
            if (name == ReportSections.Countries)
            {
                continue;
            }

            using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions { Only = [name] });
            ReportFiles files = ReportWriter.Write(reports, Path.Combine(_dir.FullName, "out-" + name));
            bool wroteChart = files.Files.Any(f => f.EndsWith(".png", StringComparison.Ordinal));
            Assert.True(!wroteChart || ReportWriter.DrawsCharts(reports), name);
            if (ReportWriter.DrawsCharts(reports))
            {
                charted.Add(name);
            }
        }

        charted.Sort(StringComparer.Ordinal);
        Assert.Equal([CoursePagesSection.SectionName, ReportSections.EnrollmentDaily, ReportSections.WeeklyActivity], charted);
        using LearnerReports all = await ReportTestKit.RunAsync([log], new ReportOptions());
        Assert.True(ReportWriter.DrawsCharts(all));
        using LearnerReports problems = await ReportTestKit.RunAsync([log], new ReportOptions { Only = [ProblemResponseSection.SectionName, AnswerDistributionSection.SectionName] });
        Assert.False(ReportWriter.DrawsCharts(problems));
        Assert.Same(Task.CompletedTask, ReportWriter.WarmUpChartsAsync(problems));
    }

    [Fact]
    public async Task Write_CourseIds_AsEdxWritesThemOneRowPerCourse()
    {
        // A new course named both ways (context old-style, URL course-v1) is one course, written course-v1 as edX does;
        // an old course stays Org/Num/Run. The same on any number of threads and batch sizes.
        string log = Path.Combine(_dir.FullName, "ids.log");
        await File.WriteAllLinesAsync(log,
        [
            """{"event_type": "seq_next", "event_source": "browser", "time": "2015-03-02T10:00:00Z", "context": {"course_id": "OrgX/New/2015_T1", "user_id": 1}}""",
            """{"event_type": "/courses/course-v1:OrgX+New+2015_T1/courseware", "event_source": "server", "time": "2015-03-02T11:00:00Z", "context": {"user_id": 2}}""",
            """{"event_type": "seq_next", "event_source": "browser", "time": "2015-03-02T12:00:00Z", "context": {"course_id": "OrgY/Old/2013", "user_id": 3}}""",
        ]);
        foreach ((int threads, int batch) in new[] { (1, 4096), (2, 1) })
        {
            using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions(), threads, batch);
            ReportFiles files = ReportWriter.Write(reports, Path.Combine(_dir.FullName, $"ids-{threads}"));

            Assert.Equal(
                ["2015-03-02,OrgY/Old/2013,navigation,1", "2015-03-02,course-v1:OrgX+New+2015_T1,navigation,1", "2015-03-02,course-v1:OrgX+New+2015_T1,page,1"],
                ReportTestKit.Lines(Path.Combine(files.Directory, "events_daily.csv")));
            Assert.Equal(
                ["OrgY/Old/2013,2015-03-02,1", "course-v1:OrgX+New+2015_T1,2015-03-02,2"],
                ReportTestKit.Lines(Path.Combine(files.Directory, "daily_active.csv")));
        }
    }

    [Fact]
    public async Task Write_OverAnOldReport_SwappedWholeNoStagingLeft()
    {
        // One rename publishes the report: the old one's files go with it (a stale one too), nothing is left beside.
        string log = Path.Combine(_dir.FullName, "t.log");
        await File.WriteAllLinesAsync(log, ["""{"event_type": "play_video", "time": "2015-03-02T10:00:00Z", "context": {"course_id": "Org/Num/Run", "user_id": 7}}"""]);
        using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions());
        string output = Path.Combine(_dir.FullName, "out");
        ReportWriter.Write(reports, output);
        Directory.CreateDirectory(Path.Combine(output, ".report-1-abc"));

        ReportWriter.Write(reports, output);

        Assert.Empty(Directory.GetDirectories(output, ".*"));
        Assert.Equal([output, log], Directory.GetFileSystemEntries(_dir.FullName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Write_FolderHoldsOtherFiles_RefusedAndLeftAlone()
    {
        string log = Path.Combine(_dir.FullName, "t.log");
        await File.WriteAllLinesAsync(log, ["""{"event_type": "play_video", "time": "2015-03-02T10:00:00Z", "context": {"course_id": "Org/Num/Run", "user_id": 7}}"""]);
        using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions());
        string output = Path.Combine(_dir.FullName, "out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "thesis.tex"), "mine");

        var e = Assert.Throws<IOException>(() => ReportWriter.Write(reports, output));

        Assert.Contains("thesis.tex", e.Message, StringComparison.Ordinal);
        Assert.Equal(["thesis.tex"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
    }

    [Fact]
    public void Create_BadCourseOrDates_ArgumentException()
    {
        Assert.Throws<ArgumentException>(() => LearnerReports.Create(new ReportOptions { Courses = ["not a course"] }));
        Assert.Throws<ArgumentException>(() => LearnerReports.Create(new ReportOptions { From = new DateOnly(2015, 2, 1), To = new DateOnly(2015, 1, 1) }));
    }

    [Theory]
    [InlineData("play_video", EventFamily.Video)]
    [InlineData("edx.video.played", EventFamily.Video)]
    [InlineData("show_transcript", EventFamily.Video)]
    [InlineData("problem_check", EventFamily.Problem)]
    [InlineData("edx.grades.problem.submitted", EventFamily.Problem)]
    [InlineData("showanswer", EventFamily.Problem)]
    [InlineData("seq_goto", EventFamily.Navigation)]
    [InlineData("edx.ui.lms.outline.selected", EventFamily.Navigation)]
    [InlineData("edx.forum.thread.created", EventFamily.Forum)]
    [InlineData("edx.course.enrollment.activated", EventFamily.Enrollment)]
    [InlineData("/courses/course-v1:a+b+c/xblock/block-v1:a+b+c+type@video+block@1/handler/x", EventFamily.Page)]
    [InlineData("page_close", EventFamily.Page)]
    [InlineData("book", EventFamily.Other)]
    [InlineData("", EventFamily.Other)]
    public void Classify_EventType_Family(string type, EventFamily expected)
        => Assert.Equal(expected, EventFamilies.Classify(System.Text.Encoding.UTF8.GetBytes(type)));
}
