using System.CommandLine;
using System.IO.Compression;
using System.Text;
using XAnalytics.Cli;

namespace XAnalytics.Tests.Cli;

/// <summary><c>xanalytics select</c>, <c>schema</c> and the shared filter options, end to end in-process.</summary>
public sealed class SelectSchemaCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-select-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Logs => Path.Combine(_dir.FullName, "logs");

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string rejects = Path.Combine(_dir.FullName, "rejects.tsv");
        int exit = await Program.BuildRoot().Parse([.. args, "--rejects", rejects, "--no-progress"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error })
            .WaitAsync(TimeSpan.FromSeconds(60));
        return (exit, output.ToString(), error.ToString());
    }

    private void WriteGzip(string relative, params string[] lines)
    {
        string path = Path.Combine(Logs, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gz.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
    }

    private void WriteSample()
    {
        WriteGzip("s1/tracking.log-20150301-1.gz",
            """{"username": "u1", "event_type": "play_video", "time": "2015-03-01T10:00:00+00:00", "context": {"course_id": "course-v1:OrgX+C1+2015_T1"}, "event": "{\"id\": \"v1\", \"currentTime\": 3}", "ip": "198.51.100.1"}""",
            """{"username": "u2", "event_type": "pause_video", "time": "2015-03-01T11:00:00+00:00", "context": {"course_id": "OrgX/C1/2015_T1"}, "event": {"id": "v\tx"}}""",
            """{"username": "u1", "event_type": "problem_check", "time": "2015-03-02T01:00:00+00:00", "context": {"course_id": "OrgY/C2/2015"}, "event": {"answers": {"q1": "a"}, "attempts": 2, "body": "write to someone@example.org"}}""");
        WriteGzip("s2/tracking.log-20150302-1.gz",
            """{"username": "u3", "event_type": "/api/mobile/v0.5/users/u3/course_enrollments/", "time": "2015-03-02T05:00:00+00:00", "context": {}, "event": {"id": 7}}""",
            """{"username": "u2", "event_type": "play_video", "time": "2015-03-03T00:00:00+00:00", "context": {"course_id": "c""");
    }

    [Fact]
    public async Task Select_Tsv_RowsInInputOrderMissingEmptyBrowserEventDecoded()
    {
        WriteSample();

        var (exit, output, error) = await RunAsync("select", Logs, "username", "event.id", "context.course_id", "-j", "3");

        Assert.Equal(ExitCodes.DataProblems, exit); // one truncated line
        Assert.Equal("u1\tv1\tcourse-v1:OrgX+C1+2015_T1\nu2\tv\\tx\tOrgX/C1/2015_T1\nu1\t\tOrgY/C2/2015\nu3\t7\t\n", output);
        Assert.Contains("lines read 5 = written 4 + filtered 0 + rejected 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Select_RepairAndFilters_CsvWithHeader()
    {
        WriteSample();

        var (exit, output, error) = await RunAsync("select", Logs, "username", "event_type", "--format", "csv", "--repair", "--course", "course-v1:OrgX+C1+2015_T1", "--min-date", "2015-03-01");

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.Equal("username,event_type\nu1,play_video\nu2,pause_video\n", output);
        Assert.Contains("lines read 5 = written 2 + filtered 3 + rejected 0", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Select_WhereOnBrowserEventField_MatchesInsideTheString()
    {
        WriteSample();

        var (exit, output, _) = await RunAsync("select", Path.Combine(Logs, "s1"), "username", "event.currentTime", "--where", "event.id=v1");

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.Equal("u1\t3\n", output);
    }

    [Fact]
    public async Task Select_JsonLines_WhereAndGrep()
    {
        WriteSample();

        var (exit, output, _) = await RunAsync("select", Logs, "username", "event.attempts", "--format", "json", "--grep", "problem_check", "--where", "username=u1,u9");

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.Equal("{\"username\":\"u1\",\"event.attempts\":2}\n", output); // a number stays a number
    }

    [Fact]
    public async Task Select_JsonLines_ValuesKeepTheirJsonTypes()
    {
        WriteGzip("types.gz",
            """{"event_type": "a", "context": {"user_id": 5}, "event": {"ok": true, "list": [1, "x"], "id": "5", "none": null}}""");

        var (exit, output, _) = await RunAsync("select", Path.Combine(Logs, "types.gz"), "context.user_id", "event.id", "event.ok", "event.list", "event.none", "event.missing", "--format", "json");

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.Equal("{\"context.user_id\":5,\"event.id\":\"5\",\"event.ok\":true,\"event.list\":[1, \"x\"],\"event.none\":null,\"event.missing\":null}\n", output);
    }

    [Fact]
    public async Task Count_TakesFilterOptions()
    {
        WriteSample();
        string users = Path.Combine(_dir.FullName, "users.txt");
        await File.WriteAllTextAsync(users, "# learners\nu1\n\nu3\n");

        var (exit, output, error) = await RunAsync("count", Logs, "--by", "username", "--users-file", users, "--max-date", "2015-03-02");

        Assert.Equal(ExitCodes.DataProblems, exit);
        Assert.Equal("u1\t2\nu3\t1\n", output);
        Assert.Contains("filtered 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_FromAndTo_SameAsTheOlderMinAndMaxDate()
    {
        WriteSample();

        var (exit, output, _) = await RunAsync("count", Logs, "--by", "username", "--from", "2015-03-01T10:30Z", "--to", "2015-03-02");
        var (oldExit, oldOutput, _) = await RunAsync("count", Logs, "--by", "username", "--min-date", "2015-03-01T10:30Z", "--max-date", "2015-03-02");

        Assert.Equal(ExitCodes.DataProblems, exit);
        Assert.Equal("u1\t1\nu2\t1\nu3\t1\n", output);
        Assert.Equal((exit, output), (oldExit, oldOutput));
    }

    [Theory]
    [InlineData("count", "--from")]
    [InlineData("count", "--max-date")]
    [InlineData("report", "--from")]
    [InlineData("report", "--to")]
    public async Task DayFirstOrMonthFirstDate_UsageErrorNamingTheValueAndNothingRead(string command, string option)
    {
        WriteSample();
        string[] args = command == "report" ? [command, Logs, Path.Combine(_dir.FullName, "report"), option, "02/03/2015"] : [command, Logs, option, "02/03/2015"];

        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("ambiguous date '02/03/2015'", error, StringComparison.Ordinal);
        Assert.Contains("2015-03-02", error, StringComparison.Ordinal);
        Assert.DoesNotContain("lines read", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_PathsCountsScrubbedExamples()
    {
        WriteSample();

        var (exit, output, _) = await RunAsync("schema", Logs, "--repair");

        Assert.Equal(ExitCodes.Clean, exit);
        string[] rows = output.TrimEnd('\n').Split('\n');
        Assert.Contains("username\t5\t<username>", rows);
        Assert.Contains("ip\t1\t<ip>", rows);
        Assert.Contains(rows, r => r.StartsWith("event.id\t3\t", StringComparison.Ordinal)); // the example is whichever a worker saw first
        Assert.Contains("event.answers\t1\t{...}", rows);
        Assert.Contains("event.body\t1\twrite to <email>", rows);
        Assert.DoesNotContain(rows, r => r.Contains("198.51.100.1", StringComparison.Ordinal) || r.Contains("someone@", StringComparison.Ordinal) || r.Contains("users/u3", StringComparison.Ordinal));
        Assert.DoesNotContain(rows, r => r.StartsWith("event.answers.", StringComparison.Ordinal));

        (_, output, _) = await RunAsync("schema", Logs, "--all");
        Assert.Contains("event.answers.q1\t1\ta", output.Split('\n'));
    }
}
