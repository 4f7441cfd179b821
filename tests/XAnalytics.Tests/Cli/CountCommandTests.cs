using System.CommandLine;
using System.IO.Compression;
using System.Text;
using XAnalytics.Cli;

namespace XAnalytics.Tests.Cli;

/// <summary><c>xanalytics count</c> end to end, in-process, with its own stdout and stderr.</summary>
public sealed class CountCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-count-");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string rejects = Path.Combine(_dir.FullName, "rejects.tsv");
        int exit = await Program.BuildRoot().Parse([.. args, "--rejects", rejects])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error })
            .WaitAsync(TimeSpan.FromSeconds(60));
        return (exit, output.ToString(), error.ToString());
    }

    private string Logs => Path.Combine(_dir.FullName, "logs");

    private void WriteGzip(string relative, params string[] lines)
    {
        string path = Path.Combine(Logs, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gz.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
    }

    private static string Event(string user, string type, string course = "course-v1:OrgX+C1+2015_T1", string time = "2015-03-01T10:00:00.123456+00:00")
        => $$"""{"username": "{{user}}", "event_type": "{{type}}", "time": "{{time}}", "context": {"course_id": "{{course}}"}, "event": "{}"}""";

    private void WriteSample()
    {
        WriteGzip("s1/tracking.log-20150301-1.gz",
            Event("u1", "play_video"), Event("u2", "play_video"), Event("u1", "pause_video"),
            Event("u3", "problem_check", "OrgY/C2/2015", "2015-03-02T01:00:00+00:00"));
        WriteGzip("s2/tracking.log-20150302-1.gz", Event("u2", "play_video"), Event("", "/jsi18n/"));
    }

    [Fact]
    public async Task Count_ByEventType_TsvSortedByCountThenValue()
    {
        WriteSample();

        var (exit, output, error) = await RunAsync("count", Logs, "--by", "event_type");

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.Equal("play_video\t3\n/jsi18n/\t1\npause_video\t1\nproblem_check\t1\n", output);
        Assert.Contains("lines read 6 = written 6 + filtered 0 + rejected 0", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_ByBrowserEventField_ReadInsideTheJsonString()
    {
        // Browser events carry `event` as a JSON string: a count by event.id and a --where on it read inside it.
        static string Video(string user, string id, int at)
            => $$"""{"username": "{{user}}", "event_type": "play_video", "event_source": "browser", "time": "2015-03-01T10:00:00+00:00", "event": "{\"id\": \"{{id}}\", \"currentTime\": {{at}}}"}""";
        WriteGzip("s1/tracking.log-20150301-1.gz",
            Video("u1", "i4x-OrgX-C1-video-aaa", 12), Video("u2", "i4x-OrgX-C1-video-aaa", 3), Video("u1", "i4x-OrgX-C1-video-bbb", 0),
            Event("u3", "pause_video"));

        var (exit, output, _) = await RunAsync("count", Logs, "--by", "event.id", "--event-type", "play_video");
        var (whereExit, whereOutput, _) = await RunAsync("count", Logs, "--where", "event.id=i4x-OrgX-C1-video-bbb");

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.Equal("i4x-OrgX-C1-video-aaa\t2\ni4x-OrgX-C1-video-bbb\t1\n", output);
        Assert.Equal(ExitCodes.Clean, whereExit);
        Assert.Equal("events\t1\nusers\t1\n", whereOutput);
    }

    [Fact]
    public async Task Count_NoBy_TotalsAndDistinctNonEmptyUsers()
    {
        WriteSample();

        var (exit, output, _) = await RunAsync("count", Logs);

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.Equal("events\t6\nusers\t3\n", output);
    }

    [Fact]
    public async Task Count_ByCourseAndDay_CsvWithHeader()
    {
        WriteSample();

        var (exit, output, _) = await RunAsync("count", Logs, "--by", "context.course_id", "--by", "day", "--format", "csv");

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.Equal(
            "context.course_id,day,count\ncourse-v1:OrgX+C1+2015_T1,2015-03-01,5\nOrgY/C2/2015,2015-03-02,1\n",
            output);
    }

    [Fact]
    public async Task Count_Json_ArrayOfObjectsWithNumericCounts()
    {
        WriteSample();

        var (_, output, _) = await RunAsync("count", Logs, "--by", "event_type", "--format", "json");

        using var doc = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(4, doc.RootElement.GetArrayLength());
        Assert.Equal("play_video", doc.RootElement[0].GetProperty("event_type").GetString());
        Assert.Equal(3, doc.RootElement[0].GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Count_ValuesOfSeveralJsonTypes_JsonKeepsTheirTypesAndTheOrderIsTotal()
    {
        // The string "5" and the number 5 are different values: two rows, the string first at equal counts, which
        // the JSON format tells apart (TSV and CSV print both as 5).
        WriteGzip("a.gz",
            """{"event_type": "a", "context": {"user_id": 5}}""",
            """{"event_type": "a", "context": {"user_id": "5"}}""",
            """{"event_type": "a", "context": {"user_id": true}}""",
            """{"event_type": "a", "context": {"user_id": {"x": [1, "y"]}}}""",
            """{"event_type": "a", "context": {"user_id": null}}""",
            """{"event_type": "a", "context": {"user_id": "5"}}""",
            """{"event_type": "a", "context": {"user_id": 5}}""");

        var (_, json, _) = await RunAsync("count", Logs, "--by", "context.user_id", "--format", "json");
        var (_, tsv, _) = await RunAsync("count", Logs, "--by", "context.user_id");

        using var doc = System.Text.Json.JsonDocument.Parse(json);
        string[] values = [.. doc.RootElement.EnumerateArray().Select(static row => row.GetProperty("context.user_id").GetRawText())];
        Assert.Equal(["\"5\"", "5", "null", "true", "{\"x\": [1, \"y\"]}"], values);
        Assert.Equal("5\t2\n5\t2\n\t1\ntrue\t1\n{\"x\": [1, \"y\"]}\t1\n", tsv);
    }

    [Fact]
    public async Task Count_RejectedLines_ExitThreeAndRejectsFileNamesLine()
    {
        WriteGzip("a.gz", Event("u1", "play_video"), "# a comment", """{"username": "u2", "event_type": "cut""");

        var (exit, output, error) = await RunAsync("count", Logs, "--by", "event_type");

        Assert.Equal(ExitCodes.DataProblems, exit);
        Assert.Equal("play_video\t1\n", output);
        Assert.Contains("not-json 1", error, StringComparison.Ordinal);
        Assert.Contains("truncated 1", error, StringComparison.Ordinal);
        string[] rejects = File.ReadAllLines(Path.Combine(_dir.FullName, "rejects.tsv"));
        Assert.Equal("file\tline\treason\tdetail\traw", rejects[0]);
        Assert.StartsWith($"{Path.Combine(Logs, "a.gz")}\t2\tnot-json\t", rejects[1], StringComparison.Ordinal);
        Assert.StartsWith($"{Path.Combine(Logs, "a.gz")}\t3\ttruncated\t", rejects[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_TruncatedGzip_ReportedByNameAndStrictFails()
    {
        WriteSample();
        string good = Path.Combine(Logs, "s1/tracking.log-20150301-1.gz");
        byte[] bytes = File.ReadAllBytes(good);
        string cut = Path.Combine(Logs, "s3/tracking.log-20150303-1.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(cut)!);
        File.WriteAllBytes(cut, bytes[..^5]);

        var (exit, _, error) = await RunAsync("count", Logs);
        Assert.Equal(ExitCodes.DataProblems, exit);
        Assert.Contains("1 bad file(s)", error, StringComparison.Ordinal);
        Assert.Contains(cut, error, StringComparison.Ordinal);

        var (strictExit, _, strictError) = await RunAsync("count", Logs, "--strict");
        Assert.Equal(ExitCodes.Failed, strictExit);
        Assert.Contains(cut, strictError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_MissingInput_UsageErrorNamesIt()
    {
        string missing = Path.Combine(_dir.FullName, "nowhere");

        var (exit, output, error) = await RunAsync("count", missing);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Empty(output);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_BadFieldPath_UsageError()
    {
        WriteSample();

        var (exit, _, error) = await RunAsync("count", Logs, "--by", "context..course_id");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("empty segment", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_BadConfigFile_UsageErrorWithFileAndLine()
    {
        WriteSample();
        string config = Path.Combine(_dir.FullName, "bad.yaml");
        File.WriteAllText(config, "threads: 2\nscratch-dir: [unclosed\n");

        var (exit, _, error) = await RunAsync("count", Logs, "--config", config);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains($"{config}:3:1: invalid YAML", error, StringComparison.Ordinal); // file:line:column
    }
}
