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

    [Fact]
    public async Task Count_ByAFieldNoEventHas_WarnsNamingTheField()
    {
        // One row with an empty value and exit 0 looked like an answer.
        WriteSample();

        var (exit, output, error) = await RunAsync("count", Logs, "--by", "event_typ");

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.Equal("\t6\n", output);
        Assert.EndsWith("warning: no event has a value for the field 'event_typ' (--by event_typ): all 6 events are counted under an empty value.\n",
            error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_ByFieldsSomeEventsHave_NoWarning()
    {
        WriteSample();

        var (_, _, error) = await RunAsync("count", Logs, "--by", "event_type", "--by", "context.course_id");

        Assert.DoesNotContain("warning", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--course", "course-v1:NoSuch+C9+2015_T1")]
    [InlineData("--from", "2016-01-01")]
    [InlineData("--user", "nobody")]
    public async Task Count_FilterMatchingNothing_WarnsNamingTheFilter(string option, string value)
    {
        WriteSample();

        var (exit, output, error) = await RunAsync("count", Logs, "--by", "event_type", option, value);

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains($"warning: the filters matched nothing: all 6 events were filtered out ({option} {value})", error, StringComparison.Ordinal);
    }

    public static TheoryData<string[]> ReadingCommands => new()
    {
        new[] { "count" },
        new[] { "select", "IN", "username" },
        new[] { "schema" },
        new[] { "cat" },
        new[] { "filter", "IN", "OUT" },
        new[] { "convert", "IN", "OUT", "--to", "bson" },
        new[] { "desensitize", "IN", "OUT", "--pseudonyms", "sequential" },
        new[] { "report", "IN", "OUT" },
    };

    [Theory]
    [MemberData(nameof(ReadingCommands))]
    public async Task ReadingCommand_InputWithNoFiles_UsageErrorNamingIt(string[] shape)
    {
        // An empty folder (here with only a hidden file) used to give "events 0", exit 0.
        Directory.CreateDirectory(Logs);
        File.WriteAllText(Path.Combine(Logs, ".hidden"), "{}\n");
        string outDir = Path.Combine(_dir.FullName, "out");
        string[] args = shape.Length == 1 ? [shape[0], Logs] : [.. shape.Select(a => a == "IN" ? Logs : a == "OUT" ? outDir : a)];

        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains($"No input files: nothing to read in {Logs} (1 skipped", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public async Task Report_CourseMatchingNothing_WarnsNamingIt()
    {
        WriteSample();

        var (exit, _, error) = await RunAsync("report", Logs, Path.Combine(_dir.FullName, "report"), "--course", "NoSuch/C9/2015_T1");

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.Contains("warning: no event was reported: none of the 6 events read has a readable time and matches --course NoSuch/C9/2015_T1", error, StringComparison.Ordinal);
    }

    public static TheoryData<string[], string> BadInputPaths => new()
    {
        // was: MaxMind's InvalidDatabaseException and a stack trace
        { new[] { "report", "LOGS", "DIR/report", "--geoip", "DIR/not-a-database.mmdb" }, "GeoIP: DIR/not-a-database.mmdb is not a MaxMind database (.mmdb)" },
        { new[] { "report", "LOGS", "DIR/report", "--geoip", "DIR/empty.mmdb" }, "GeoIP: DIR/empty.mmdb is not a MaxMind database (.mmdb)" },
        // was: "Access to the path is denied", exit 1
        { new[] { "desensitize", "LOGS", "DIR/out", "--key-file", "DIR" }, "--key-file DIR is a directory, not a file." },
        // was: "Is a directory", exit 1, after the whole run
        { new[] { "count", "LOGS", "--rejects", "DIR" }, "--rejects DIR is a directory; name a file." },
        // was: "No such file"
        { new[] { "count", "LOGS", "--users-file", "DIR" }, "--users-file DIR is a directory, not a file." },
        { new[] { "count", "LOGS", "--event-types-file", "DIR/none.txt" }, "--event-types-file DIR/none.txt: no such file." },
        // was: "does not exist"
        { new[] { "count", "LOGS", "--config", "DIR" }, "Configuration file 'DIR' (given with --config) is a directory, not a file." },
    };

    [Theory]
    [MemberData(nameof(BadInputPaths))]
    public async Task BadInputPath_UsageErrorNamingTheFileWithoutStackTrace(string[] shape, string message)
    {
        WriteSample();
        File.WriteAllText(Path.Combine(_dir.FullName, "not-a-database.mmdb"), "country,code\nNowhere,XX\n");
        File.WriteAllBytes(Path.Combine(_dir.FullName, "empty.mmdb"), []);
        string[] args = [.. shape.Select(a => a.Replace("LOGS", Logs, StringComparison.Ordinal).Replace("DIR", _dir.FullName, StringComparison.Ordinal))];

        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await Program.BuildRoot().Parse([.. args, "--no-progress"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error })
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(message.Replace("DIR", _dir.FullName, StringComparison.Ordinal), error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("lines read", error.ToString(), StringComparison.Ordinal); // nothing was read
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Count_DashReadsStandardInput_GzipOrPlain(bool gzip)
    {
        // zcat a.gz | xanalytics count -: "Input not found: -"; with a pipe, a stack trace about seeking. The real
        // process, so that its real standard input is a pipe.
        string lines = Event("u1", "play_video") + "\n" + Event("u2", "pause_video") + "\n";
        byte[] input = Encoding.UTF8.GetBytes(lines);
        if (gzip)
        {
            using var compressed = new MemoryStream();
            using (var gz = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gz.Write(input);
            }

            input = compressed.ToArray();
        }

        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, "count", "-", "--by", "event_type", "--no-progress", "--rejects", Path.Combine(_dir.FullName, "rejects.tsv")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(input);
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("pause_video\t1\nplay_video\t1\n", await output);
        Assert.Equal(ExitCodes.Clean, process.ExitCode);
        Assert.Contains("lines read 2 = written 2", await error, StringComparison.Ordinal);
    }
}
