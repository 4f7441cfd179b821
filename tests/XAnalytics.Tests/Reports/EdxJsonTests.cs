using System.Text;
using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// <see cref="EdxJson"/>, and the problem tables over JSON that System.Text.Json alone refuses: a lone surrogate escape
/// or nesting past 64 in one learner's answer or tags used to fail the whole run (exit 1, nothing written); a review
/// found it running edX's own code, which writes the rows.
/// </summary>
public sealed class EdxJsonTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-edxjson-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData("""{"a":"\ud800x"}""", true)]
    [InlineData("""{"a":"x\udc00"}""", true)]
    [InlineData("""{"a":"\ud83d\ude00"}""", false)] // a pair
    [InlineData("""{"a":"\ud83d\ud83d\ude00"}""", true)] // a high one, then a pair
    [InlineData("""{"a":"\\ud800"}""", false)] // an escaped backslash, then text
    [InlineData("""{"a":"\\\ud800"}""", true)]
    [InlineData("""{"a":"\u00e9\n"}""", false)]
    [InlineData("""{"a":"\ud8"}""", false)] // not an escape the parser takes anyway
    public void HasLoneSurrogate_Escapes_FoundOnlyWhenUnpaired(string json, bool lone)
        => Assert.Equal(lone, EdxJson.HasLoneSurrogate(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void TryParse_LoneSurrogateAndDeepNesting_ReadAsReplacementOrNull()
    {
        using (var doc = EdxJson.TryParse(Encoding.UTF8.GetBytes("""{"t":"\ud800x","u":"\ud83d\ude00"}""")))
        {
            Assert.Equal("\uFFFDx", doc!.RootElement.GetProperty("t").GetString());
            Assert.Equal("\U0001F600", doc.RootElement.GetProperty("u").GetString());
        }

        using (var doc = EdxJson.TryParse(Encoding.UTF8.GetBytes(new string('[', 70) + new string(']', 70))))
        {
            Assert.NotNull(doc); // past System.Text.Json's 64
        }

        Assert.Null(EdxJson.TryParse(Encoding.UTF8.GetBytes(new string('[', EdxJson.MaxDepth + 1) + new string(']', EdxJson.MaxDepth + 1))));
    }

    /// <summary>
    /// The review's inputs: a lone surrogate in a saved tag value, in an answer, and in an answer id; a 70-deep
    /// submitted answer and a 200-deep answer (the engine reads lines to a depth of 256). The run completes: edX's rows, but U+FFFD where edX writes the
    /// raw surrogate (which UTF-8 cannot hold); the event with a non-ASCII answer id is left out, as edX's
    /// <c>_check_answer_ids</c> leaves it.
    /// </summary>
    [Fact]
    public async Task ProblemTables_LoneSurrogatesAndDeepAnswers_RunCompletesWithRows()
    {
        static string Check(string course, string tags, string answersJson, string answer) =>
            """{"username": "learner1", "event_source": "server", "event_type": "problem_check", "time": "2015-03-01T10:00:00.123456+00:00", "context": {"course_id": "course-v1:Rev+COURSE+R1", "asides": {"tagging_aside": {"saved_tags": TAGS}}}, "event": {"problem_id": "block-v1:Rev+COURSE+R1+type@problem+block@p1", "answers": ANSWERS, "submission": {"p1_2_1": {"answer": SUBMITTED, "response_type": "stringresponse", "question": "QQ"}}}}"""
                .Replace("COURSE", course, StringComparison.Ordinal).Replace("TAGS", tags, StringComparison.Ordinal)
                .Replace("ANSWERS", answersJson, StringComparison.Ordinal).Replace("SUBMITTED", answer, StringComparison.Ordinal);
        string deep = new string('[', 70) + "\"d\"" + new string(']', 70);
        string deeper = new string('[', 200) + "1" + new string(']', 200);
        string log = Path.Combine(_dir.FullName, "in.log");
        await File.WriteAllLinesAsync(log,
        [
            Check("S1", """{"t": "\ud800x"}""", """{"p1_2_1": "ANS"}""", "\"SUB\""),
            Check("S2", """{"t": "TAG"}""", """{"p1_2_1": "\ud800x"}""", "\"SUB\""),
            Check("S3", """{"t": "TAG"}""", """{"p1_2_1\ud800": "a"}""", "\"a\""),
            Check("S4", """{"t": "TAG"}""", """{"p1_2_1": "ANS"}""", deep),
            Check("S5", """{"t": "TAG"}""", "{\"p1_2_1\": " + deeper + "}", "\"SUB\""),
        ]);

        using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions { Only = ["tags_distribution", "answer_distribution", "problem_response"] });
        string output = Path.Combine(_dir.FullName, "out");
        ReportWriter.Write(reports, output);
        string[] tags = ReportTestKit.Lines(Path.Combine(output, "tags_distribution.csv"));
        Assert.Contains("course-v1:Rev+S1+R1,Rev,block-v1:Rev+S1+R1+type@problem+block@p1,t,\uFFFDx,1,0", tags);
        string[] answers = ReportTestKit.Lines(Path.Combine(output, "answer_distribution.csv"));
        Assert.Contains("course-v1:Rev+S1+R1,block-v1:Rev+S1+R1+type@problem+block@p1,p1_2_1,0,1,1,ANS,SUB,,,QQ", answers);
        Assert.Contains("course-v1:Rev+S2+R1,block-v1:Rev+S2+R1+type@problem+block@p1,p1_2_1,0,1,1,\uFFFDx,SUB,,,QQ", answers);
        Assert.DoesNotContain(answers, l => l.Contains("S3", StringComparison.Ordinal));
        Assert.Contains(answers, l => l.StartsWith("course-v1:Rev+S4+R1,", StringComparison.Ordinal));
        Assert.Contains(answers, l => l.StartsWith("course-v1:Rev+S5+R1,", StringComparison.Ordinal));
        string[] responses = ReportTestKit.Lines(Path.Combine(output, "problem_response.csv"));
        Assert.DoesNotContain(responses, l => l.Contains("S3", StringComparison.Ordinal));
        Assert.Contains(responses, l => l.StartsWith("course-v1:Rev+S1+R1,", StringComparison.Ordinal));
    }

    /// <summary>A fuzzer's lines: a key that is a lone surrogate escape, at the top and inside a browser event's payload; every report table reads them (exit 1 before).</summary>
    [Fact]
    public async Task Report_LoneSurrogateKeys_RunCompletes()
    {
        string log = Path.Combine(_dir.FullName, "keys.log");
        await File.WriteAllLinesAsync(log,
        [
            """{"\ud800":1,"time":"2015-03-01T10:00:00.000000+00:00","event_type":"x","context":{"\ud800":2,"course_id":"course-v1:A+B+C"}}""",
            """{"username":"u","event_type":"play_video","event_source":"browser","time":"2015-03-01T10:00:00.000000+00:00","context":{"course_id":"course-v1:A+B+C","user_id":1},"event":"{\"\\ud800\":1,\"id\":\"v\"}"}""",
        ]);
        using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions());
        ReportWriter.Write(reports, Path.Combine(_dir.FullName, "keys-out"));
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "keys-out", "events_daily.csv")));
    }

    /// <summary>
    /// A fuzzer's inputs that failed the run: times at the calendar's edges (9999-12-31: the week's end past the last day;
    /// 0050: the charts' dates) and a 260-character course id (its page's file name past 255 bytes). The tables read the
    /// times as no time (EventFacts reads 1970 to 2099); the page's name keeps 100 of the id's characters.
    /// </summary>
    [Fact]
    public async Task Report_CalendarEdgesAndLongCourseId_RunCompletes()
    {
        string longCourse = "course-v1:Org+" + new string('N', 260) + "+Run";
        var lines = new List<string>();
        foreach (string time in new[] { "0001-01-01T00:00:00", "0050-06-01T10:00:00", "9999-12-31T23:59:59", "2015-03-01T10:00:00" })
        {
            lines.Add("""{"username":"u","event_type":"play_video","event_source":"browser","time":"TIME.000000+00:00","context":{"course_id":"course-v1:A+B+C","user_id":1},"event":"{\"id\":\"v\",\"currentTime\":1}"}""".Replace("TIME", time, StringComparison.Ordinal));
            lines.Add("""{"username":"u","event_type":"edx.course.enrollment.activated","event_source":"server","time":"TIME.000000+00:00","context":{"course_id":"course-v1:A+B+C","user_id":1},"event":{"course_id":"course-v1:A+B+C","user_id":1,"mode":"audit"}}""".Replace("TIME", time, StringComparison.Ordinal));
        }

        lines.Add("""{"username":"u","event_type":"page_close","event_source":"browser","time":"2015-03-01T10:00:00.000000+00:00","context":{"course_id":"COURSE","user_id":1},"event":"{}"}""".Replace("COURSE", longCourse, StringComparison.Ordinal));
        string log = Path.Combine(_dir.FullName, "edges.log");
        await File.WriteAllLinesAsync(log, lines);
        using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions());
        string output = Path.Combine(_dir.FullName, "edges-out");
        ReportWriter.Write(reports, output);
        Assert.All(ReportTestKit.Lines(Path.Combine(output, "events_daily.csv")), l => Assert.StartsWith("2015-03-01,", l, StringComparison.Ordinal));
        Assert.Contains(Directory.GetFiles(Path.Combine(output, "courses"), "*.html"), f => Path.GetFileName(f).StartsWith("course_v1_Org_NNNN", StringComparison.Ordinal));
    }
}
