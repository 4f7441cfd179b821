using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>answer_distribution.csv: edX's answer distribution (answer_dist.py).</summary>
public sealed class AnswerDistributionSectionTests : IDisposable
{
    private const string Course = "course-v1:OrgX+C1+2015_T1";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-edx-answers-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// edX's <c>AnswerDistributionAcceptanceTest</c> (test_answer_dist.py) runs over answer_dist_acceptance_tracking.log and
    /// checks only that there are 3 courses and that each has a row with a last response count above 0 (its MySQL test
    /// the same). Beyond that, a part checked by hand in the log: the E929 "Multiple Choice" problem's three choices
    /// (choice_ipod correct).
    /// </summary>
    [EdxCorpusFact]
    public async Task AnswerDistLog_AsEdxAcceptanceTest()
    {
        var options = new ReportOptions { Only = [AnswerDistributionSection.SectionName] };
        using LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.File("answer_dist_acceptance_tracking.log")], options);
        ReportWriter.Write(reports, _dir.FullName);

        (string[] header, List<string[]> rows) = ReportTestKit.ReadCsv(Path.Combine(_dir.FullName, "answer_distribution.csv"));
        Assert.Equal(["course_id", "module_id", "part_id", "correct", "first_response_count", "last_response_count", "value_id", "answer_value", "variant",
            "problem_display_name", "question"], header);
        string[] courses = [.. rows.Select(r => r[0]).Distinct().Order(StringComparer.Ordinal)];
        Assert.Equal(["course-v1:edX+DemoX+Test_2014", "edX/E929/2014_T2", "edX/Open_DemoX/edx_demo_course"], courses);
        Assert.All(courses, c => Assert.Contains(rows, r => r[0] == c && long.Parse(r[5], System.Globalization.CultureInfo.InvariantCulture) > 0));
        Assert.Equal(
            ["choice_beatles,0,0,1", "choice_ipad,0,3,0", "choice_ipod,1,1,3"],
            rows.Where(r => r[2] == "i4x-edX-E929-problem-17de162d435f4621ac451afb938ac8f7_2_1").Select(r => $"{r[6]},{r[3]},{r[4]},{r[5]}"));
    }

    private static string Check(string user, string time, string submission, string answers, string correctMap)
        => "{\"username\": \"" + user + "\", \"event_type\": \"problem_check\", \"event_source\": \"server\", \"time\": \"" + time + "\", "
            + "\"context\": {\"course_id\": \"" + Course + "\", \"module\": {\"display_name\": \"Quiz 1\"}}, "
            + "\"event\": {\"problem_id\": \"block-v1:OrgX+C1+2015_T1+type@problem+block@p1\", " + (submission.Length == 0 ? "" : "\"submission\": " + submission + ", ")
            + "\"answers\": " + answers + ", \"correct_map\": " + correctMap + "}}";

    private static string Choice(string user, string time, string choice, string text, bool correct)
        => Check(user, time,
            "{\"p1_2_1\": {\"answer\": \"" + text + "\", \"question\": \"Pick one\", \"response_type\": \"multiplechoiceresponse\", \"variant\": \"\", \"correct\": " + (correct ? "true" : "false") + "}}",
            "{\"p1_2_1\": \"" + choice + "\"}",
            "{\"p1_2_1\": {\"correctness\": \"" + (correct ? "correct" : "incorrect") + "\"}}");

    [Fact]
    public async Task FirstAndLastSubmissions_CountPerValue_ChoiceMarkupStripped()
    {
        string log = Path.Combine(_dir.FullName, "tracking.log");
        await File.WriteAllLinesAsync(log,
        [
            Choice("learner_a", "2015-03-01T10:00:00+00:00", "choice_1", "<p>Red</p>", correct: false),
            Choice("learner_a", "2015-03-01T10:05:00+00:00", "choice_3", "<p>Green</p>", correct: false),
            Choice("learner_a", "2015-03-01T10:10:00+00:00", "choice_2", "<p>Blue &amp;\\n <b>teal</b></p>", correct: true),
            Choice("learner_b", "2015-03-02T10:00:00+00:00", "choice_2", "<p>Blue</p>", correct: true),
        ]);
        using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions { Only = [AnswerDistributionSection.SectionName] }, batchEvents: 1);
        AnswerDistributionSection section = reports.Section<AnswerDistributionSection>()!;

        // learner_a's middle submission (Green) is neither first nor last; choice_2's text comes from its most recent
        // answer (learner_b's).
        Assert.Equal(
            ["p1_2_1 choice_1 Red 0 1 0 Quiz 1 Pick one", "p1_2_1 choice_2 Blue 1 1 2 Quiz 1 Pick one"],
            section.Rows!.Select(r => $"{r.PartId} {r.ValueId} {r.AnswerValue} {(r.Correct ? 1 : 0)} {r.FirstResponseCount} {r.LastResponseCount} {r.ProblemDisplayName} {r.Question}"));
    }

    /// <summary>
    /// Completion keeps each distinct answer once, however many learners gave it: 300 answers (past the id table's
    /// first sizes, so it is grown and rehashed on the way), each given by three learners, some in a later bucket part.
    /// </summary>
    [Fact]
    public async Task ManyLearnersGivingTheSameAnswers_EachAnswerKeptOnce()
    {
        string log = Path.Combine(_dir.FullName, "tracking.log");
        var lines = new List<string>();
        for (int learner = 0; learner < 3; learner++)
        {
            for (int a = 0; a < 300; a++)
            {
                string time = $"2015-03-01T10:{a / 60:00}:{a % 60:00}+00:00";
                lines.Add(Check($"learner_{learner}_{a}", time,
                    "{\"p1_2_1\": {\"answer\": \"" + a + "\", \"question\": \"Type a number\", \"response_type\": \"numericalresponse\", \"variant\": \"\", \"correct\": false}}",
                    "{\"p1_2_1\": \"" + a + "\"}", "{\"p1_2_1\": {\"correctness\": \"incorrect\"}}"));
            }
        }

        await File.WriteAllLinesAsync(log, lines);
        var options = new ReportOptions { Only = [AnswerDistributionSection.SectionName], CompletionPartBytes = 16 << 10 };
        using LearnerReports reports = await ReportTestKit.RunAsync([log], options);
        AnswerDistributionSection section = reports.Section<AnswerDistributionSection>()!;

        Assert.True(section.CompletionParts > 1);
        Assert.Equal(300, section.DistinctAnswers);
        Assert.Equal(300, section.Rows!.Count);
        Assert.All(section.Rows!, r => Assert.Equal((3L, 3L), (r.FirstResponseCount, r.LastResponseCount)));
    }

    [Fact]
    public async Task OlderEventsWithoutSubmission_HaveNoResponseType_NoRows()
    {
        string log = Path.Combine(_dir.FullName, "tracking.log");
        await File.WriteAllLinesAsync(log, [Check("learner_a", "2015-03-01T10:00:00+00:00", "", "{\"p1_2_1\": \"choice_1\"}", "{\"p1_2_1\": {\"correctness\": \"correct\"}}")]);
        using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions { Only = [AnswerDistributionSection.SectionName] });

        Assert.Empty(reports.Section<AnswerDistributionSection>()!.Rows!);
    }

    [Theory]
    [InlineData("<p>Blue &amp;\n <b>teal</b></p>", "Blue & teal")]
    [InlineData("  plain  text ", "plain text")]
    [InlineData("<!-- note --><span>a</span><span>b</span>", "a b")]
    public void TextFromHtml_TextOfTheMarkup(string markup, string text) => Assert.Equal(text, AnswerDistributionSection.TextFromHtml(markup));
}
