using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary><c>module_engagement.csv</c> and <c>module_engagement_metric_ranges.csv</c> against edX's acceptance test and edge cases.</summary>
public sealed class ModuleEngagementSectionTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-engagement-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// edX's <c>test_module_engagement.py</c> (<c>test_roster_generation_no_elasticsearch</c>: no
    /// <c>store_anonymous_username</c>): the logs of 2015-04-13 and 2015-04-16 (the other days' logs are empty) with
    /// <c>--date 2015-04-17</c>, so the week 2015-04-10 to 2015-04-16: <c>--to 2015-04-16</c>. The expected rows are
    /// copied from the test (usernames are edX's fixture accounts), both tables whole. edX's MySQL returns the
    /// <c>FLOAT</c> bounds (6.0, 0.45) and NULL for infinity; the CSV writes 6, 0.45 and an empty field.
    /// </summary>
    [EdxCorpusFact]
    public async Task ModuleEngagement_EdxAcceptanceLogs_MatchEdxExpectedRows()
    {
        using LearnerReports reports = await ReportTestKit.RunAsync(
            [EdxCorpus.File("module_engagement_acceptance_tracking_20150413.log"), EdxCorpus.File("module_engagement_acceptance_tracking_20150416.log")],
            new ReportOptions { To = new DateOnly(2015, 4, 16), Only = ["module_engagement"] }, allowRejects: true);
        ReportWriter.Write(reports, _dir.FullName);

        (string[] header, _) = ReportTestKit.ReadCsv(Path.Combine(_dir.FullName, "module_engagement.csv"));
        Assert.Equal(["date", "course_id", "username", "entity_type", "entity_id", "event", "count"], header);
        string[] expected =
        [
            "2015-04-13,course-v1:edX+DemoX+Demo_Course_2015,honor,discussion,cba3e4cd91d0466b9ac50926e495b76f,contributed,3",
            "2015-04-13,course-v1:edX+DemoX+Demo_Course_2015,honor,video,8c0028eb2a724f48a074bc184cd8635f,viewed,1",
            "2015-04-13,edX/DemoX/Demo_Course,honor,video,i4x-edX-DemoX-video-8c0028eb2a724f48a074bc184cd8635f,viewed,2",
            "2015-04-13,edX/DemoX/Demo_Course_2,honor,video,i4x-edX-DemoX-video-8c0028eb2a724f48a074bc184cd8635f,viewed,1",
            "2015-04-13,edX/DemoX/Demo_Course_2,staff,video,i4x-edX-DemoX-video-8c0028eb2a724f48a074bc184cd8635f,viewed,1",
            "2015-04-16,course-v1:edX+DemoX+Demo_Course_2015,honor,discussion,cba3e4cd91d0466b9ac50926e495b76f,contributed,3",
            "2015-04-16,course-v1:edX+DemoX+Demo_Course_2015,honor,video,8c0028eb2a724f48a074bc184cd8635f,viewed,1",
            "2015-04-16,edX/DemoX/Demo_Course,honor,discussion,cba3e4cd91d0466b9ac50926e495b76f,contributed,6",
            "2015-04-16,edX/DemoX/Demo_Course,honor,problem,i4x://edX/DemoX/problem/0d759dee4f9d459c8956136dbde55f02,attempted,1",
            "2015-04-16,edX/DemoX/Demo_Course,honor,problem,i4x://edX/DemoX/problem/75f9562c77bc4858b61f907bb810d974,attempted,2",
            "2015-04-16,edX/DemoX/Demo_Course,honor,problem,i4x://edX/DemoX/problem/75f9562c77bc4858b61f907bb810d974,completed,1",
            "2015-04-16,edX/DemoX/Demo_Course,honor,problem,i4x://edX/DemoX/problem/a0effb954cca4759994f1ac9e9434bf4,attempted,3",
            "2015-04-16,edX/DemoX/Demo_Course,honor,problem,i4x://edX/DemoX/problem/a0effb954cca4759994f1ac9e9434bf4,completed,1",
            "2015-04-16,edX/DemoX/Demo_Course,honor,video,i4x-edX-DemoX-video-0b9e39477cf34507a7a48f74be381fdd,viewed,2",
            "2015-04-16,edX/DemoX/Demo_Course,honor,video,i4x-edX-DemoX-video-8c0028eb2a724f48a074bc184cd8635f,viewed,1",
            "2015-04-16,edX/DemoX/Demo_Course_2,honor,discussion,cba3e4cd91d0466b9ac50926e495b76f,contributed,3",
            "2015-04-16,edX/DemoX/Demo_Course_2,honor,problem,i4x://edX/DemoX/problem/a0effb954cca4759994f1ac9e9434bf4,attempted,1",
        ];
        Assert.Equal(expected, ReportTestKit.Lines(Path.Combine(_dir.FullName, "module_engagement.csv")));

        (header, _) = ReportTestKit.ReadCsv(Path.Combine(_dir.FullName, "module_engagement_metric_ranges.csv"));
        Assert.Equal(["course_id", "start_date", "end_date", "metric", "range_type", "low_value", "high_value"], header);
        const string W = "2015-04-10,2015-04-17";
        string[] ranges =
        [
            $"course-v1:edX+DemoX+Demo_Course_2015,{W},discussion_contributions,low,0,6",
            $"course-v1:edX+DemoX+Demo_Course_2015,{W},discussion_contributions,normal,6,",
            $"course-v1:edX+DemoX+Demo_Course_2015,{W},problem_attempts,normal,0,",
            $"course-v1:edX+DemoX+Demo_Course_2015,{W},problems_attempted,normal,0,",
            $"course-v1:edX+DemoX+Demo_Course_2015,{W},problems_completed,normal,0,",
            $"course-v1:edX+DemoX+Demo_Course_2015,{W},videos_viewed,low,0,1",
            $"course-v1:edX+DemoX+Demo_Course_2015,{W},videos_viewed,normal,1,",
            $"course-v1:edX+DemoX+Demo_Course_2015,{W},problem_attempts_per_completed,normal,0,",
            $"edX/DemoX/Demo_Course,{W},discussion_contributions,low,0,6",
            $"edX/DemoX/Demo_Course,{W},discussion_contributions,normal,6,",
            $"edX/DemoX/Demo_Course,{W},problem_attempts,low,0,6",
            $"edX/DemoX/Demo_Course,{W},problem_attempts,normal,6,",
            $"edX/DemoX/Demo_Course,{W},problem_attempts_per_completed,low,0,3",
            $"edX/DemoX/Demo_Course,{W},problem_attempts_per_completed,normal,3,",
            $"edX/DemoX/Demo_Course,{W},problems_attempted,low,0,3",
            $"edX/DemoX/Demo_Course,{W},problems_attempted,normal,3,",
            $"edX/DemoX/Demo_Course,{W},problems_completed,low,0,2",
            $"edX/DemoX/Demo_Course,{W},problems_completed,normal,2,",
            $"edX/DemoX/Demo_Course,{W},videos_viewed,low,0,2",
            $"edX/DemoX/Demo_Course,{W},videos_viewed,normal,2,",
            $"edX/DemoX/Demo_Course_2,{W},discussion_contributions,low,0,0.45",
            $"edX/DemoX/Demo_Course_2,{W},discussion_contributions,normal,0.45,2.55",
            $"edX/DemoX/Demo_Course_2,{W},discussion_contributions,high,2.55,",
            $"edX/DemoX/Demo_Course_2,{W},problem_attempts,low,0,0.15",
            $"edX/DemoX/Demo_Course_2,{W},problem_attempts,normal,0.15,0.85",
            $"edX/DemoX/Demo_Course_2,{W},problem_attempts,high,0.85,",
            $"edX/DemoX/Demo_Course_2,{W},problem_attempts_per_completed,low,0,",
            $"edX/DemoX/Demo_Course_2,{W},problem_attempts_per_completed,normal,,",
            $"edX/DemoX/Demo_Course_2,{W},problems_attempted,low,0,0.15",
            $"edX/DemoX/Demo_Course_2,{W},problems_attempted,normal,0.15,0.85",
            $"edX/DemoX/Demo_Course_2,{W},problems_attempted,high,0.85,",
            $"edX/DemoX/Demo_Course_2,{W},problems_completed,normal,0,",
            $"edX/DemoX/Demo_Course_2,{W},videos_viewed,low,0,1",
            $"edX/DemoX/Demo_Course_2,{W},videos_viewed,normal,1,",
        ];
        Assert.Equal(ranges, ReportTestKit.Lines(Path.Combine(_dir.FullName, "module_engagement_metric_ranges.csv")));
    }

    /// <summary>
    /// Without <c>--to</c> the week ends on the last day of the data; events outside it are in the daily counts but not
    /// in the ranges. Made-up learners: a username of 31 characters is dropped, one with surrounding spaces is stripped,
    /// <c>success</c> is compared in any case, a browser <c>problem_check</c> and an <c>edx.forum.thread.voted</c> count nothing,
    /// a blank video id drops the event, a <c>play_video</c> from <c>mobile</c> counts. The same with a worker table of
    /// one key and blocks of one record (every count handed to its bucket and written to the scratch folder at once).
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    public async Task ModuleEngagement_EdgeCases_FollowEdx(int? held)
    {
        string E(string user, string day, string type, string source, string data) =>
            $$"""{"username":"{{user}}","event_type":"{{type}}","event_source":"{{source}}","time":"2015-03-{{day}}T10:00:00+00:00","context":{"course_id":"course-v1:Org+C1+R","user_id":1},"event":{{data}}}""";
        string log = Path.Combine(_dir.FullName, "in.log");
        await File.WriteAllLinesAsync(log,
        [
            E(" learner_a ", "02", "problem_check", "server", """{"problem_id":"p1","success":"CORRECT"}"""),
            E("learner_a", "10", "problem_check", "server", """{"problem_id":"p1","success":"incorrect"}"""),
            E("learner_a", "10", "problem_check", "browser", "\"input_p1=1\""),
            E("learner_a", "10", "edx.forum.thread.voted", "server", """{"commentable_id":"d1"}"""),
            E("learner_b", "11", "play_video", "mobile", """{"id":"  v1\n"}"""),
            E("learner_b", "11", "play_video", "browser", "\"{\\\"id\\\":\\\" \\\"}\""),
            E("a_username_of_thirty_one_chars_", "11", "play_video", "browser", """{"id":"v2"}"""),
        ]);

        string scratch = Directory.CreateDirectory(Path.Combine(_dir.FullName, "scratch")).FullName;
        using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions { Only = ["module_engagement"], ModuleEngagementHeld = held, ScratchDirectory = scratch });
        ModuleEngagementSection section = reports.Section<ModuleEngagementSection>()!;
        Assert.Equal(held is not null, section.Spill.SpilledBytes > 0);
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
        Assert.Equal(
            [
                "2015-03-02,learner_a,problem,p1,attempted,1",
                "2015-03-02,learner_a,problem,p1,completed,1",
                "2015-03-10,learner_a,problem,p1,attempted,1",
                "2015-03-11,learner_b,video,v1,viewed,1",
            ],
            section.Rows!.Select(r => $"{r.Date:yyyy-MM-dd},{r.Username},{r.EntityType},{r.EntityId},{r.Event},{r.Count}"));

        // The week 2015-03-05 to 2015-03-11: learner_a attempted once (nothing completed: ratio infinite), learner_b
        // viewed one video. problem_attempts [0, 1]: p15 = 0.15; ratio [inf]: p15 = p85 = inf.
        Assert.Contains(section.MetricRanges!, r => r is { Metric: "problem_attempts", RangeType: "normal", LowValue: 0.15 } && r.StartDate == new DateOnly(2015, 3, 5) && r.EndDate == new DateOnly(2015, 3, 12));
        Assert.Contains(section.MetricRanges!, r => r is { Metric: "problem_attempts_per_completed", RangeType: "normal" } && double.IsPositiveInfinity(r.LowValue));
        Assert.Equal(0.44999999999999996, ModuleEngagementSection.Percentile([0, 3], 15));
        Assert.True(double.IsNaN(ModuleEngagementSection.Percentile([1, double.PositiveInfinity], 0)));
    }

    /// <summary>
    /// A generated archive (and edX's acceptance logs, when present) with tables of 5 keys and blocks of 5 records (so
    /// keys are handed over many times, from many owners, and most blocks read back from the scratch folder) writes the
    /// same files as with the default budget, nothing spilled; the scratch folder is empty once the run has completed.
    /// The rows read by index, in order and per course's problems (what the course pages read) agree with the file.
    /// </summary>
    [Fact]
    public async Task ModuleEngagement_CountsSpilledToScratch_SameFilesAsHeldAndFolderRemoved()
    {
        (string[] inputs, string scratch) = await ReportTestKit.SpillInputsAsync(_dir.FullName, events: 20_000, learners: 300);
        string held = Path.Combine(_dir.FullName, "held"), spilled = Path.Combine(_dir.FullName, "spilled");
        var week = new DateOnly(2015, 3, 15); // the archive's last day (its 15 days from 2015-03-01): the ranges of its learners
        using (LearnerReports reports = await ReportTestKit.RunAsync(inputs, new ReportOptions { Only = ["module_engagement"], ScratchDirectory = scratch, To = week }, allowRejects: true))
        {
            Assert.Equal(0, reports.Section<ModuleEngagementSection>()!.Spill.SpilledBytes);
            ReportWriter.Write(reports, held);
        }

        using (LearnerReports reports = await ReportTestKit.RunAsync(inputs, new ReportOptions { Only = ["module_engagement"], ScratchDirectory = scratch, To = week, ModuleEngagementHeld = 5 }, allowRejects: true))
        {
            ModuleEngagementSection section = reports.Section<ModuleEngagementSection>()!;
            Assert.True(section.Spill.SpilledBytes > 0);
            Assert.Empty(Directory.GetFileSystemEntries(scratch));
            ReportWriter.Write(reports, spilled);

            IReadOnlyList<ModuleEngagementRow> rows = section.Rows!;
            string[] lines = ReportTestKit.Lines(Path.Combine(spilled, "module_engagement.csv"));
            Assert.Equal(lines.Length, rows.Count);
            Assert.Equal(lines, rows.Select(Line));
            Assert.Equal(lines, Enumerable.Range(0, rows.Count).Select(i => Line(rows[i])));
            var compact = Assert.IsType<ModuleEngagementRowList>(rows);
            // The course pages' problem tallies, read from the compact runs in one pass, are those of the row objects.
            Dictionary<string, List<CourseProblemRow>> tallies = compact.ProblemTallies();
            string[] courses = [.. rows.Where(r => r.EntityType == "problem" && r.Event == "attempted").Select(r => r.CourseId).Distinct()];
            Assert.NotEmpty(courses);
            Assert.Equal(courses.Order(StringComparer.Ordinal), tallies.Keys.Order(StringComparer.Ordinal));
            foreach (string course in courses)
            {
                Assert.Equal(
                    CoursePagesSection.Hardest(rows, course, int.MaxValue).OrderBy(p => p.ProblemId, StringComparer.Ordinal),
                    tallies[course].OrderBy(p => p.ProblemId, StringComparer.Ordinal));
            }
        }

        foreach ((string file, int atLeast) in new[] { ("module_engagement.csv", 1000), ("module_engagement_metric_ranges.csv", 30) })
        {
            string expected = await File.ReadAllTextAsync(Path.Combine(held, file));
            Assert.True(expected.Split('\n').Length > atLeast, file);
            Assert.Equal(expected, await File.ReadAllTextAsync(Path.Combine(spilled, file)));
        }

        static string Line(ModuleEngagementRow r) => $"{r.Date:yyyy-MM-dd},{r.CourseId},{r.Username},{r.EntityType},{r.EntityId},{r.Event},{r.Count}";
    }

    /// <summary>A run that ends without completing (failed, cancelled) leaves nothing in the scratch folder once its reports are disposed, and spills no more.</summary>
    [Fact]
    public void ModuleEngagement_ReportsDisposedBeforeCompletion_ScratchFolderRemoved()
    {
        string scratch = Directory.CreateDirectory(Path.Combine(_dir.FullName, "scratch")).FullName;
        LearnerReports reports = LearnerReports.Create(new ReportOptions { Only = ["module_engagement"], ScratchDirectory = scratch, ModuleEngagementHeld = 1 });
        ModuleEngagementSection section = reports.Section<ModuleEngagementSection>()!;
        ModuleEngagementPartial partial = section.CreatePartial();
        partial.Add(new ModuleEngagementKey(16_000, 0, 42, ModuleEngagementEntity.Video, 7, ModuleEngagementAction.Viewed), 1); // a table and a block of 1: written at once
        string folder = Assert.Single(Directory.GetFileSystemEntries(scratch));
        Assert.StartsWith("xanalytics-module-engagement-", Path.GetFileName(folder), StringComparison.Ordinal);

        reports.Dispose();
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
        Assert.Throws<OperationCanceledException>(() => partial.Add(new ModuleEngagementKey(16_000, 0, 43, ModuleEngagementEntity.Video, 7, ModuleEngagementAction.Viewed), 1));
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
    }
}
