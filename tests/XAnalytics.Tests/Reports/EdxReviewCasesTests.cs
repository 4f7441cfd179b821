using System.Text;
using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// Cases a review (2026-12-05) found by running edX's own module_engagement.py, problem_response.py and user activity
/// code under Python 2.7.18 beside ours; each expected value is what edX's run wrote (its MySQL FLOAT bounds as
/// single precision), or, for <c>--from</c> inside the week, what this report says instead (README).
/// </summary>
public sealed class EdxReviewCasesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-review-cases-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Play(string username, string day, string course, string id) =>
        $$"""{"username": "{{username}}", "event_type": "play_video", "event_source": "browser", "time": "2026-11-{{day}}T10:00:00.000000+00:00", "context": {"course_id": "course-v1:{{course}}+C+R"}, "event": "{\"id\": \"{{id}}\"}"}""";

    private static string Check(string username, string course, string problem, string success) =>
        """{"username": "USER", "event_type": "problem_check", "event_source": "server", "time": "2026-11-10T10:00:00.000000+00:00", "context": {"course_id": "course-v1:COURSE+C+R"}, "event": {"problem_id": "PROBLEM", "success": "SUCCESS"}}"""
            .Replace("USER", username, StringComparison.Ordinal).Replace("COURSE", course, StringComparison.Ordinal)
            .Replace("PROBLEM", problem, StringComparison.Ordinal).Replace("SUCCESS", success, StringComparison.Ordinal);

    private async Task<string> RunAsync(string[] lines, ReportOptions options)
    {
        string log = Path.Combine(_dir.FullName, "in.log");
        await File.WriteAllLinesAsync(log, lines);
        using LearnerReports reports = await ReportTestKit.RunAsync([log], options);
        string output = Path.Combine(_dir.FullName, "out");
        ReportWriter.Write(reports, output);
        return output;
    }

    /// <summary>
    /// Two learners with 4 attempts over 3 completed problems: edX's summary writes 4/3 as <c>1.33333333333</c> (Python
    /// 2's <c>unicode(float)</c>), so its p15 and p85 differ by one step and the metric gets three ranges, not two.
    /// </summary>
    [Fact]
    public async Task MetricRanges_RatioThroughPythonStr_ThreeRangesAsEdx()
    {
        var lines = new List<string>();
        foreach (string who in new[] { "ann", "ben" })
        {
            lines.Add(Check(who, "M1", "p1", "correct"));
            lines.Add(Check(who, "M1", "p2", "correct"));
            lines.Add(Check(who, "M1", "p3", "correct"));
            lines.Add(Check(who, "M1", "p1", "incorrect"));
        }

        string output = await RunAsync([.. lines], new ReportOptions { From = new DateOnly(2026, 11, 1), To = new DateOnly(2026, 11, 15), Only = ["module_engagement"] });
        Assert.Equal(
            [
                "course-v1:M1+C+R,2026-11-09,2026-11-16,problem_attempts_per_completed,low,0,1.3333334",
                "course-v1:M1+C+R,2026-11-09,2026-11-16,problem_attempts_per_completed,normal,1.3333334,1.3333334",
                "course-v1:M1+C+R,2026-11-09,2026-11-16,problem_attempts_per_completed,high,1.3333334,",
            ],
            ReportTestKit.Lines(Path.Combine(output, "module_engagement_metric_ranges.csv")).Where(l => l.Contains("per_completed", StringComparison.Ordinal)));
    }

    /// <summary>A <c>--from</c> inside the week ending on <c>--to</c>: the ranges' <c>start_date</c> is <c>--from</c>, the days before were not read.</summary>
    [Fact]
    public async Task MetricRanges_FromInsideTheWeek_StartDateIsFrom()
    {
        string output = await RunAsync(
            [Play("ann", "10", "M2", "v1"), Play("ann", "13", "M2", "v2"), Play("ben", "13", "M2", "v2")],
            new ReportOptions { From = new DateOnly(2026, 11, 12), To = new DateOnly(2026, 11, 15), Only = ["module_engagement"] });
        string[] ranges = ReportTestKit.Lines(Path.Combine(output, "module_engagement_metric_ranges.csv"));
        Assert.NotEmpty(ranges);
        Assert.All(ranges, r => Assert.StartsWith("course-v1:M2+C+R,2026-11-12,2026-11-16,", r, StringComparison.Ordinal));
    }

    /// <summary>
    /// Usernames are stripped as Python 2's <c>unicode.strip()</c> strips them: <c>"\u00a0ann"</c> is ann, and a name
    /// of U+3000 alone is blank (dropped). Characters are counted as edX's cjson decodes the LMS's escaped text, an emoji
    /// (an escaped surrogate pair) as two (a code review built python-cjson 1.1.0 and ran edX's mapper on these lines):
    /// 29 letters and an emoji are 31, past 30 (dropped); an id of 128 emoji is 256, cut to 255: 127 emoji and half of
    /// one, which edX writes as it is and UTF-8 cannot hold (U+FFFD here).
    /// </summary>
    [Fact]
    public async Task ModuleEngagement_UnicodeSpaceAndAstralCharacters_AsEdxCjson()
    {
        string emoji128 = string.Concat(Enumerable.Repeat("\\\\ud83d\\\\ude00", 128));
        string output = await RunAsync(
            [
                Play("\\u00a0ann", "10", "M3", "v1"),
                Play("\\u3000", "10", "M3", "v1"),
                Play(new string('a', 29) + "\\ud83d\\ude00", "10", "M4", "v1"),
                Play("ann", "10", "M4", emoji128),
            ],
            new ReportOptions { Only = ["module_engagement"] });
        string smile = "\U0001F600";
        Assert.Equal(
            [
                "2026-11-10,course-v1:M3+C+R,ann,video,v1,viewed,1",
                $"2026-11-10,course-v1:M4+C+R,ann,video,{string.Concat(Enumerable.Repeat(smile, 127))}\uFFFD,viewed,1",
            ],
            ReportTestKit.Lines(Path.Combine(output, "module_engagement.csv")));
    }

    /// <summary>problem_response keys a learner by the username as logged: <c>" ann"</c> and <c>"ann"</c> are two rows (edX's mapper strips only to drop a blank one).</summary>
    [Fact]
    public async Task ProblemResponse_UsernameWithSpace_OwnLearnerAsEdx()
    {
        static string Answer(string username, string hour, string answer) =>
            """{"username": "USER", "event_type": "problem_check", "event_source": "server", "time": "2026-11-02THOUR:00:00.000000+00:00", "context": {"course_id": "course-v1:M7+C+R", "module": {"display_name": "P"}}, "event": {"problem_id": "p1", "answers": {"p_2_1": "ANSWER"}, "correct_map": {"p_2_1": {"correctness": "incorrect"}}, "submission": {"p_2_1": {"answer": "ANSWER"}}}}"""
                .Replace("USER", username, StringComparison.Ordinal).Replace("HOUR", hour, StringComparison.Ordinal).Replace("ANSWER", answer, StringComparison.Ordinal);
        string output = await RunAsync([Answer(" ann", "10", "a"), Answer("ann", "11", "b")], new ReportOptions { Only = ["problem_response"] });
        Assert.Equal(
            [
                "course-v1:M7+C+R,p1, ann,,a,False,1,2026-11-02T10:00:00Z,2026-11-02T10:00:00Z",
                "course-v1:M7+C+R,p1,ann,,b,False,1,2026-11-02T11:00:00Z,2026-11-02T11:00:00Z",
            ],
            ReportTestKit.Lines(Path.Combine(output, "problem_response.csv")));
    }

    /// <summary>
    /// answer_distribution and tags_distribution, the review's cases F8, F9, F14, E1, E2, E7 (edX's rows from its run):
    /// a float answer written as Python 2 prints it (0.3); answers stripped as <c>unicode.strip()</c> (U+001F, U+180E);
    /// a tag value that is an object gives a row per key; an answer id equal to the submitted answer by Python's
    /// <c>==</c> (1 and true, 0 and false, 0.1 and 0.10000000000000001) is no value id.
    /// </summary>
    [Fact]
    public async Task AnswerAndTags_PythonValues_AsEdxRun()
    {
        string[] lines =
        [
            """{"username": "learner1", "event_source": "server", "event_type": "problem_check", "time": "2015-03-01T10:00:00.123456+00:00", "context": {"course_id": "course-v1:Rev+F8+R1"}, "event": {"problem_id": "block-v1:Rev+F8+R1+type@problem+block@p1", "answers": {"p1_2_1": 0.30000000000000004}, "submission": {"p1_2_1": {"answer": 0.30000000000000004, "response_type": "numericalresponse", "question": "Q"}}}}""",
            """{"username": "learner1", "event_source": "server", "event_type": "problem_check", "time": "2015-03-01T10:00:00.123456+00:00", "context": {"course_id": "course-v1:Rev+F9+R1"}, "event": {"problem_id": "block-v1:Rev+F9+R1+type@problem+block@p1", "answers": {"p1_2_1": "\u001fb\u001c", "p1_3_1": "c\u180e"}, "submission": {"p1_2_1": {"answer": "\u001fb\u001c", "response_type": "stringresponse", "question": "Q"}, "p1_3_1": {"answer": "c\u180e", "response_type": "stringresponse", "question": "Q"}}}}""",
            """{"username": "learner1", "event_source": "server", "event_type": "problem_check", "time": "2015-03-01T10:00:00.123456+00:00", "context": {"course_id": "course-v1:Rev+F14+R1", "asides": {"tagging_aside": {"saved_tags": {"t": {"k1": "x", "k2": "y"}}}}}, "event": {"problem_id": "block-v1:Rev+F14+R1+type@problem+block@p1", "success": "correct"}}""",
            """{"username": "learner1", "event_source": "server", "event_type": "problem_check", "time": "2015-03-01T10:00:00.123456+00:00", "context": {"course_id": "course-v1:Rev+E1+R1"}, "event": {"problem_id": "block-v1:Rev+E1+R1+type@problem+block@p1", "answers": {"p1_2_1": 1}, "submission": {"p1_2_1": {"answer": true, "response_type": "stringresponse", "question": "Q"}}}}""",
            """{"username": "learner1", "event_source": "server", "event_type": "problem_check", "time": "2015-03-01T10:00:00.123456+00:00", "context": {"course_id": "course-v1:Rev+E2+R1"}, "event": {"problem_id": "block-v1:Rev+E2+R1+type@problem+block@p1", "answers": {"p1_2_1": 0}, "submission": {"p1_2_1": {"answer": false, "response_type": "stringresponse", "question": "Q"}}}}""",
            """{"username": "learner1", "event_source": "server", "event_type": "problem_check", "time": "2015-03-01T10:00:00.123456+00:00", "context": {"course_id": "course-v1:Rev+E7+R1"}, "event": {"problem_id": "block-v1:Rev+E7+R1+type@problem+block@p1", "answers": {"p1_2_1": 0.1}, "submission": {"p1_2_1": {"answer": 0.10000000000000001, "response_type": "stringresponse", "question": "Q"}}}}""",
        ];
        string output = await RunAsync(lines, new ReportOptions { Only = ["answer_distribution", "tags_distribution"] });
        Assert.Equal(
            [
                "course-v1:Rev+E1+R1,block-v1:Rev+E1+R1+type@problem+block@p1,p1_2_1,0,1,1,,True,,,Q",
                "course-v1:Rev+E2+R1,block-v1:Rev+E2+R1+type@problem+block@p1,p1_2_1,0,1,1,,False,,,Q",
                "course-v1:Rev+E7+R1,block-v1:Rev+E7+R1+type@problem+block@p1,p1_2_1,0,1,1,,0.1,,,Q",
                "course-v1:Rev+F8+R1,block-v1:Rev+F8+R1+type@problem+block@p1,p1_2_1,0,1,1,,0.3,,,Q",
                "course-v1:Rev+F9+R1,block-v1:Rev+F9+R1+type@problem+block@p1,p1_2_1,0,1,1,,b,,,Q",
                "course-v1:Rev+F9+R1,block-v1:Rev+F9+R1+type@problem+block@p1,p1_3_1,0,1,1,,c,,,Q",
            ],
            ReportTestKit.Lines(Path.Combine(output, "answer_distribution.csv")));
        Assert.Equal(
            [
                "course-v1:Rev+F14+R1,Rev,block-v1:Rev+F14+R1+type@problem+block@p1,t,k1,1,1",
                "course-v1:Rev+F14+R1,Rev,block-v1:Rev+F14+R1+type@problem+block@p1,t,k2,1,1",
            ],
            ReportTestKit.Lines(Path.Combine(output, "tags_distribution.csv")));
    }

    /// <summary>
    /// edX's <c>get_course_id(event, from_url=True)</c> reads the URL only when the context has no course_id: ann's
    /// events name a usage key there (no course key), so video and module engagement leave them out although the page
    /// names the course; ben's events have none, so the page's course counts.
    /// </summary>
    [Fact]
    public async Task VideoAndEngagement_InvalidContextCourse_NoUrlFallback()
    {
        string output = await RunAsync(
            [
                """{"username": "ann", "event_type": "play_video", "event_source": "browser", "page": "https://x/courses/course-v1:Q+C+R/courseware", "time": "2026-11-10T10:00:00.000000+00:00", "context": {"course_id": "block-v1:Q+C+R+type@video+block@v", "user_id": 1}, "event": "{\"id\": \"v1\", \"currentTime\": 0}"}""",
                """{"username": "ann", "event_type": "pause_video", "event_source": "browser", "page": "https://x/courses/course-v1:Q+C+R/courseware", "time": "2026-11-10T10:00:20.000000+00:00", "context": {"course_id": "block-v1:Q+C+R+type@video+block@v", "user_id": 1}, "event": "{\"id\": \"v1\", \"currentTime\": 20}"}""",
                """{"username": "ben", "event_type": "play_video", "event_source": "browser", "page": "https://x/courses/course-v1:Q+C+R/courseware", "time": "2026-11-10T10:00:00.000000+00:00", "context": {"user_id": 2}, "event": "{\"id\": \"v2\", \"currentTime\": 0}"}""",
                """{"username": "ben", "event_type": "pause_video", "event_source": "browser", "page": "https://x/courses/course-v1:Q+C+R/courseware", "time": "2026-11-10T10:00:20.000000+00:00", "context": {"user_id": 2}, "event": "{\"id\": \"v2\", \"currentTime\": 20}"}""",
            ],
            new ReportOptions { Only = ["video", "module_engagement"] });
        Assert.Equal(["course-v1:Q+C+R|v2,course-v1:Q+C+R,v2,24,5,1,1,25"], ReportTestKit.Lines(Path.Combine(output, "video.csv")));
        Assert.Equal(["2026-11-10,course-v1:Q+C+R,ben,video,v2,viewed,1"], ReportTestKit.Lines(Path.Combine(output, "module_engagement.csv")));
    }

    /// <summary>
    /// Weekly activity as edX's user_activity.py keys it (a code review read it): <c>if not user_id</c> drops 0,
    /// <c>str(user_id)</c> keeps 1.0 apart from 1, and <c>get_course_id(event, from_url=True)</c> gives no course for a
    /// usage key in <c>context.course_id</c> although the page names one.
    /// </summary>
    [Fact]
    public async Task WeeklyActivity_UserIdsAndContextCourses_AsUserActivity()
    {
        static string Page(string user, string course) =>
            """{"username": "u", "event_type": "page_close", "event_source": "browser", "page": "https://x/courses/course-v1:W+C+R/courseware", "time": "2026-11-10T10:00:00.000000+00:00", "context": {"course_id": "COURSE", "user_id": USER}, "event": "{}"}"""
                .Replace("COURSE", course, StringComparison.Ordinal).Replace("USER", user, StringComparison.Ordinal);
        string output = await RunAsync(
            [
                Page("1", "course-v1:W+C+R"),
                Page("1.0", "course-v1:W+C+R"),
                Page("0", "course-v1:W+C+R"),
                Page("2", "block-v1:W+C+R+type@problem+block@p"),
            ],
            new ReportOptions { Only = ["weekly_activity"] });
        Assert.Equal(["course-v1:W+C+R,2026-11-09,2026-11-16,ACTIVE,2"], ReportTestKit.Lines(Path.Combine(output, "weekly_activity.csv")));
    }

    [Theory]
    [InlineData(" \t ann \n", "ann")]
    [InlineData("\u00a0ann\u3000", "ann")]
    [InlineData("\u001c\u0085ann\u180e\u2000\u200a\u2028\u2029\u202f\u205f", "ann")]
    [InlineData("\u200bann", "\u200bann")] // zero width space: not white space to Python 2.7
    [InlineData("a n n", "a n n")]
    [InlineData("\u3000", "")]
    public void Strip_AsPython27UnicodeStrip(string text, string stripped)
        => Assert.Equal(stripped, Encoding.UTF8.GetString(EdxValues.Strip(Encoding.UTF8.GetBytes(text))));
}
