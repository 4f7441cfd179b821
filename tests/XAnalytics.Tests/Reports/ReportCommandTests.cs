using System.CommandLine;
using XAnalytics.Cli;

namespace XAnalytics.Tests.Reports;

/// <summary><c>xanalytics report</c> end to end, in-process.</summary>
public sealed class ReportCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-reportcmd-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Report_NoPublicData_WritesCsvsChartsAndIndexAndSaysCountriesWereSkipped()
    {
        string log = Path.Combine(_dir.FullName, "tracking.log");
        await File.WriteAllLinesAsync(log,
        [
            """{"event_type": "play_video", "event_source": "browser", "time": "2015-03-02T10:00:00+00:00", "context": {"course_id": "course-v1:OrgX+C1+2015_T1", "user_id": 1}}""",
            """{"event_type": "problem_check", "event_source": "server", "time": "2015-03-09T10:00:00+00:00", "context": {"course_id": "course-v1:OrgX+C1+2015_T1", "user_id": 2}}""",
            """{"event_type": "problem_check", "event_source": "server", "time": "2015-03-09T10:00:00+00:00", "context": {"course_id": "OrgY/C2/2015", "user_id": 2}}""",
        ]);
        string outDir = Path.Combine(_dir.FullName, "out");
        using var output = new StringWriter();
        using var error = new StringWriter();
        // public-data-dir is a folder without a GeoIP database, whatever the machine's settings say: countries are skipped.

        int exit = await Program.BuildRoot()
            .Parse(["report", log, outDir, "--from", "2015-03-03", "--course", "OrgX/C1/2015_T1", "--no-progress",
                "--set", "public-data-dir=" + _dir.FullName, "--rejects", Path.Combine(_dir.FullName, "rejects.tsv")])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error })
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.Contains("countries.csv skipped", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(Path.Combine(outDir, "index.html"), output.ToString(), StringComparison.Ordinal);
        Assert.Equal(
            ["course-v1:OrgX+C1+2015_T1,2015-03-09,2015-03-16,ACTIVE,1", "course-v1:OrgX+C1+2015_T1,2015-03-09,2015-03-16,ATTEMPTED_PROBLEM,1"],
            ReportTestKit.Lines(Path.Combine(outDir, "weekly_activity.csv")));
        Assert.True(File.Exists(Path.Combine(outDir, "charts", "daily_active.svg")));
        Assert.False(File.Exists(Path.Combine(outDir, "countries.csv")));
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] reading = args[0] == "generate" ? [] : ["--no-progress", "--rejects", Path.Combine(_dir.FullName, "rejects.tsv")];
        int exit = await Program.BuildRoot()
            .Parse([.. args, .. reading])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error })
            .WaitAsync(TimeSpan.FromSeconds(120));
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Report_DesensitizedArchive_LearnersKeyedByPseudonym()
    {
        // desensitize drops context.user_id: the reports key learners by the pseudonym instead of finding none.
        string raw = Path.Combine(_dir.FullName, "raw");
        string clean = Path.Combine(_dir.FullName, "clean");
        string outDir = Path.Combine(_dir.FullName, "out");
        Assert.Equal(ExitCodes.Clean, (await RunAsync("generate", raw, "--events", "3000", "--files", "2", "--learners", "40", "--bad-rate", "0")).Exit);
        Assert.Equal(ExitCodes.Clean, (await RunAsync("desensitize", raw, clean, "--pseudonyms", "sequential")).Exit);

        var (exit, _, error) = await RunAsync("report", clean, outDir, "--set", "public-data-dir=" + _dir.FullName);

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.DoesNotContain("No learners", error, StringComparison.Ordinal);
        Assert.NotEmpty(ReportTestKit.Lines(Path.Combine(outDir, "weekly_activity.csv")));
        Assert.NotEmpty(ReportTestKit.Lines(Path.Combine(outDir, "daily_active.csv")));
    }

    [Fact]
    public async Task Report_NoLearnerInTheInput_SaysSoOnStderr()
    {
        string log = Path.Combine(_dir.FullName, "tracking.log");
        await File.WriteAllLinesAsync(log,
        [
            """{"event_type": "play_video", "event_source": "browser", "time": "2015-03-02T10:00:00+00:00", "context": {"course_id": "course-v1:OrgX+C1+2015_T1"}}""",
        ]);

        var (exit, _, error) = await RunAsync("report", log, Path.Combine(_dir.FullName, "out"), "--set", "public-data-dir=" + _dir.FullName);

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.Contains("No learners: none of the 1 events", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_BadCourse_UsageExitCode()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await Program.BuildRoot()
            .Parse(["report", _dir.FullName, Path.Combine(_dir.FullName, "out"), "--course", "nonsense", "--no-progress"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error })
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("Not a course id", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--to", "9999-12-31", "--to 9999-12-31: the report's tables hold days from 1970-01-01 to 2099-12-31")]
    [InlineData("--to", "2100-01-01", "--to 2100-01-01: the report's tables hold days")]
    [InlineData("--from", "2100-01-01", "--from 2100-01-01: the report's tables hold days")]
    [InlineData("--to", "9999-12-31T23:00:00-05:00", "--to 9999-12-31T23:00:00-05:00: the report's tables hold days from 1970-01-01 to 2099-12-31")]
    [InlineData("--from", "2100-01-01T12:00:00+00:00", "--from 2100-01-01T12:00:00+00:00: the report's tables hold days")]
    public async Task Report_BoundPastTheTablesDays_UsageErrorSaysWhy(string option, string day, string expected)
    {
        // 9999-12-31 used to fail with "un-representable DateTime" (the filter's end of day), then with a day number out
        // of range in the enrollment tables, after reading the input. A time is named as typed: 9999-12-31T23:00:00-05:00
        // is past the calendar in UTC, and the message named the day it was clamped to (9999-12-31).
        string log = Path.Combine(_dir.FullName, "tracking.log");
        await File.WriteAllLinesAsync(log,
        [
            """{"username": "u1", "event_type": "play_video", "event_source": "browser", "time": "2015-03-02T10:00:00+00:00", "context": {"course_id": "course-v1:OrgX+C1+2015_T1"}}""",
        ]);

        var (exit, _, error) = await RunAsync("report", log, Path.Combine(_dir.FullName, "out"), option, day, "--set", "public-data-dir=" + _dir.FullName);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Equal(option == "--to", error.Contains("or no --to (the tables then end on the last day of the events)", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(_dir.FullName, "out")));
    }

    [Fact]
    public async Task Report_ToTheTablesLastDay_Runs()
    {
        string log = Path.Combine(_dir.FullName, "tracking.log");
        await File.WriteAllLinesAsync(log,
        [
            """{"username": "u1", "event_type": "play_video", "event_source": "browser", "time": "2015-03-02T10:00:00+00:00", "context": {"course_id": "course-v1:OrgX+C1+2015_T1"}}""",
        ]);

        var (exit, _, error) = await RunAsync("report", log, Path.Combine(_dir.FullName, "out"), "--to", "2099-12-31", "--only", "events_daily,module_engagement",
            "--set", "public-data-dir=" + _dir.FullName);

        Assert.True(exit == ExitCodes.Clean, error);
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "out", "module_engagement_metric_ranges.csv")));
    }
}
