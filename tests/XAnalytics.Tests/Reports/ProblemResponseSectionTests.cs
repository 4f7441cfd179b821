using System.Text.Json;
using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>problem_response.csv: edX's latest problem responses (problem_response.py with answer_dist.py's problem_check parsing).</summary>
public sealed class ProblemResponseSectionTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-edx-problem-response-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// edX's <c>ProblemResponseReportWorkflowAcceptanceTest</c> (test_problem_response.py) runs the report with
    /// <c>--interval-start 2016-09-07 --interval-end 2016-09-08</c> (only 2016-09-07's events) over
    /// problem_response_tracking.log, and compares fixtures/output/problem_response/OpenCraft_PRDemo1_2016_problem_response.csv
    /// (12 rows) and OpenCraft_PRDemo2_2016_problem_response.csv (4 rows). These are its rows, the columns this table has
    /// (username, problem_id, question, correct, answer, total_attempts, first/last_attempt_date), with its acceptance
    /// settings (list delimiter "|", times %Y-%m-%dT%H:%M:%SZ). Its answer_id, score, max_score and location (course
    /// structure from the REST API) are not columns here; its order (course structure's sort_idx) is replaced by course,
    /// problem, username.
    /// </summary>
    [EdxCorpusFact]
    public async Task ProblemResponseLog_AsEdxAcceptanceTest()
    {
        var options = new ReportOptions { From = new DateOnly(2016, 9, 7), To = new DateOnly(2016, 9, 7), Only = [ProblemResponseSection.SectionName] };
        using LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.File("problem_response_tracking.log")], options);
        ReportWriter.Write(reports, _dir.FullName);

        (string[] header, List<string[]> rows) = ReportTestKit.ReadCsv(Path.Combine(_dir.FullName, "problem_response.csv"));
        Assert.Equal(["course_id", "problem_id", "username", "question", "answer", "correct", "total_attempts", "first_attempt_date", "last_attempt_date"], header);
        string[][] expected =
        [
            ["course-v1:OpenCraft+PRDemo1+2016", "block-v1:OpenCraft+PRDemo1+2016+type@problem+block@7cb701dffe9841c3adea9f40134744f9", "velma", "", "Indonesia", "True", "2", "2016-09-07T05:00:28Z", "2016-09-07T05:00:33Z"],
            ["course-v1:OpenCraft+PRDemo1+2016", "block-v1:OpenCraft+PRDemo1+2016+type@problem+block@8313adf80369439292ccb5935a69e535", "velma", "Which U.S. state has the largest land area?", "Alaska", "True", "1", "2016-09-07T05:02:00Z", "2016-09-07T05:02:00Z"],
            ["course-v1:OpenCraft+PRDemo1+2016", "block-v1:OpenCraft+PRDemo1+2016+type@problem+block@8ea3115a1a2f463397de20b231b8caeb", "scooby", "What was the first post-secondary school in China to allow both male and female students?", "School of the People's Revolution", "False", "2", "2016-09-07T04:58:32Z", "2016-09-07T04:58:39Z"],
            ["course-v1:OpenCraft+PRDemo1+2016", "block-v1:OpenCraft+PRDemo1+2016+type@problem+block@8ea3115a1a2f463397de20b231b8caeb", "velma", "What was the first post-secondary school in China to allow both male and female students?", "National Central University", "True", "2", "2016-09-07T05:01:04Z", "2016-09-07T05:01:46Z"],
            ["course-v1:OpenCraft+PRDemo1+2016", "block-v1:OpenCraft+PRDemo1+2016+type@problem+block@9ddba291e7d549bc96128f3accd34e80", "scooby", "", "apple ", "False", "2", "2016-09-07T04:57:21Z", "2016-09-07T04:57:28Z"],
            ["course-v1:OpenCraft+PRDemo1+2016", "block-v1:OpenCraft+PRDemo1+2016+type@problem+block@9ddba291e7d549bc96128f3accd34e80", "velma", "", "potato ", "True", "2", "2016-09-07T05:00:17Z", "2016-09-07T05:00:19Z"],
            ["course-v1:OpenCraft+PRDemo1+2016", "block-v1:OpenCraft+PRDemo1+2016+type@problem+block@a0e5785dcf05453b868b0e0692a2dd6b", "scooby", "", "Not really..", "None", "1", "2016-09-07T04:59:07Z", "2016-09-07T04:59:07Z"],
            ["course-v1:OpenCraft+PRDemo1+2016", "block-v1:OpenCraft+PRDemo1+2016+type@problem+block@a0e5785dcf05453b868b0e0692a2dd6b", "velma", "", "Ommmmmmmmmm", "None", "1", "2016-09-07T05:02:17Z", "2016-09-07T05:02:17Z"],
            ["course-v1:OpenCraft+PRDemo1+2016", "block-v1:OpenCraft+PRDemo1+2016+type@problem+block@a9cf3850b4b5467a9c9e7ec91b9b9c70", "scooby", "", "potato   |tomato   ", "False", "1", "2016-09-07T04:58:04Z", "2016-09-07T04:58:04Z"],
            ["course-v1:OpenCraft+PRDemo1+2016", "block-v1:OpenCraft+PRDemo1+2016+type@problem+block@a9cf3850b4b5467a9c9e7ec91b9b9c70", "velma", "", "apple   |pumpkin   |tomato   ", "True", "1", "2016-09-07T05:00:46Z", "2016-09-07T05:00:46Z"],
            ["course-v1:OpenCraft+PRDemo1+2016", "block-v1:OpenCraft+PRDemo1+2016+type@problem+block@d2069c02adc347318bc6e022705f2346", "scooby", "", "Russia", "False", "2", "2016-09-07T04:57:09Z", "2016-09-07T04:57:13Z"],
            ["course-v1:OpenCraft+PRDemo1+2016", "block-v1:OpenCraft+PRDemo1+2016+type@problem+block@d2069c02adc347318bc6e022705f2346", "velma", "", "Indonesia", "True", "1", "2016-09-07T05:00:10Z", "2016-09-07T05:00:10Z"],
            ["course-v1:OpenCraft+PRDemo2+2016", "block-v1:OpenCraft+PRDemo2+2016+type@problem+block@8ea3115a1a2f463397de20b231b8caeb", "velma", "What was the first post-secondary school in China to allow both male and female students?", "Good school?", "False", "2", "2016-09-07T05:07:05Z", "2016-09-07T05:07:10Z"],
            ["course-v1:OpenCraft+PRDemo2+2016", "block-v1:OpenCraft+PRDemo2+2016+type@problem+block@9ddba291e7d549bc96128f3accd34e80", "velma", "", "potato ", "True", "1", "2016-09-07T05:06:45Z", "2016-09-07T05:06:45Z"],
            ["course-v1:OpenCraft+PRDemo2+2016", "block-v1:OpenCraft+PRDemo2+2016+type@problem+block@a0e5785dcf05453b868b0e0692a2dd6b", "velma", "", "OHMMMMMMMMMMM", "None", "1", "2016-09-07T05:07:42Z", "2016-09-07T05:07:42Z"],
            ["course-v1:OpenCraft+PRDemo2+2016", "block-v1:OpenCraft+PRDemo2+2016+type@problem+block@a9cf3850b4b5467a9c9e7ec91b9b9c70", "scooby", "", "tomato   ", "False", "1", "2016-09-07T05:08:46Z", "2016-09-07T05:08:46Z"],
        ];
        Assert.Equal(expected, rows);
    }

    [Fact]
    public void Answers_OlderEventWithoutSubmission_UsesAnswersThatCorrectMapHas()
    {
        using JsonDocument data = JsonDocument.Parse("""
            {"answers": {"p_2_1": "choice_1", "p_3_1": ["a", "b"], "p_2_1_dynamath": "x", "p_9_1": "stray"},
             "correct_map": {"p_2_1": {"correctness": "correct"}, "p_3_1": {"correctness": "partially-correct"}, "p_2_1_dynamath": {}}}
            """);

        Assert.Equal(
            ["p_2_1 choice_1 True", "p_3_1 a|b "],
            ProblemResponseSection.Answers(data.RootElement).Select(a => $"{a.AnswerId} {string.Join('|', a.Answer)} {a.Correct}"));
    }

    /// <summary>
    /// edX's get_problem_check_event asks for the 'timestamp', which eventlog.get_event_time gives only for a time that
    /// strptime('%Y-%m-%dT%H:%M:%S.%f') reads after the cut at '+': a submission at a time ending in Z or with a negative
    /// offset is dropped by edX, so the latest answer is the first one here too, after one attempt.
    /// </summary>
    [Fact]
    public async Task Submissions_AtTimesEdxCannotParse_LeftOutAsEdxLeavesThem()
    {
        static string Check(string time, string answer, bool correct)
            => "{\"username\": \"al\", \"event_type\": \"problem_check\", \"event_source\": \"server\", \"time\": \"" + time + "\", "
            + "\"context\": {\"course_id\": \"course-v1:P+R+1\", \"module\": {\"display_name\": \"Q\"}}, \"event\": {\"problem_id\": \"block-v1:P+R+1+type@problem+block@p1\", "
            + "\"submission\": {\"p1_2_1\": {\"answer\": \"" + answer + "\", \"question\": \"Q\", \"response_type\": \"stringresponse\", \"variant\": \"\", \"correct\": " + (correct ? "true" : "false") + "}}, "
            + "\"answers\": {\"p1_2_1\": \"" + answer + "\"}, \"correct_map\": {\"p1_2_1\": {\"correctness\": \"" + (correct ? "correct" : "incorrect") + "\"}}}}";
        string log = Path.Combine(_dir.FullName, "tracking.log");
        await File.WriteAllLinesAsync(log,
        [
            Check("2020-01-01T10:00:00.000000+00:00", "first", correct: false),
            Check("2020-01-01T11:00:00Z", "second", correct: true),
            Check("2020-01-01T12:00:00.123456-05:00", "third", correct: true),
        ]);
        var options = new ReportOptions { Only = [ProblemResponseSection.SectionName, AnswerDistributionSection.SectionName] };
        using LearnerReports reports = await ReportTestKit.RunAsync([log], options);

        ProblemResponseRow row = Assert.Single(reports.Section<ProblemResponseSection>()!.Rows!);
        Assert.Equal(("first", (bool?)false, 1L), (string.Join("|", row.Answer), row.Correct, row.TotalAttempts));
        AnswerDistributionRow answer = Assert.Single(reports.Section<AnswerDistributionSection>()!.Rows!);
        Assert.Equal(("first", 1L, 1L), (answer.AnswerValue, answer.FirstResponseCount, answer.LastResponseCount));
    }

    [Theory]
    [InlineData("2020-01-01T10:00:00.000000+00:00", true)]
    [InlineData("2020-01-01T10:00:00+00:00", true)]
    [InlineData("2020-01-01T10:00:00", true)]
    [InlineData("2020-01-01T10:00:00.5", true)]
    [InlineData("2020-01-01T10:00:00+05:30", true)]
    [InlineData("2020-01-01T10:00:00Z", false)]
    [InlineData("2020-01-01T10:00:00.123Z", false)]
    [InlineData("2020-01-01T10:00:00.123456-05:00", false)]
    [InlineData("2020-01-01T10:00:00.1234567+00:00", false)]
    [InlineData("2020-02-30T10:00:00+00:00", false)]
    [InlineData("2020-01-01 10:00:00+00:00", false)]
    public void IsEdxEventTime_AsGetEventTimeParses(string time, bool parses)
        => Assert.Equal(parses, ProblemSubmissions.IsEdxEventTime(System.Text.Encoding.UTF8.GetBytes(time)));

    [Fact]
    public void Clean_CollapsesWhiteSpaceThenDropsChoiceHints()
    {
        Assert.Equal("apple  tail", ProblemResponseSection.Clean("apple\n  <choicehint selected=\"true\">Good\n pick</choicehint> tail"));
        Assert.Equal("x ", ProblemResponseSection.Clean("x <choicehint label=\"a\">"));
    }
}
