using System.CommandLine;
using XAnalytics.Cli;

namespace XAnalytics.Tests.Cli;

/// <summary><c>xanalytics run PIPELINE.yaml</c>: stock pipelines run, and mistakes are reported with file, line and column.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-run-");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await Program.BuildRoot().Parse([.. args, "--rejects", Path.Combine(_dir.FullName, "rejects.tsv")])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error })
            .WaitAsync(TimeSpan.FromSeconds(60));
        return (exit, output.ToString(), error.ToString());
    }

    private string WriteFile(string name, string text)
    {
        string path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string WriteLogs()
        => WriteFile("events.log",
            """{"username": "u1", "event_type": "play_video"}""" + "\n"
            + """{"username": "u2", "event_type": "play_video"}""" + "\n"
            + """{"username": "u1", "event_type": "seq_next"}""" + "\n");

    private static string StockPipeline(string name)
        => Path.Combine(XAnalytics.Tests.TestSupport.RepoPaths.Root!, "pipelines", name);

    [Fact]
    public async Task Run_StockCountPipeline_SameAsCountCommand()
    {
        string logs = WriteLogs();

        var (exit, output, _) = await RunAsync("run", StockPipeline("count-by-type.yaml"), "--in", logs);
        var (countExit, countOutput, _) = await RunAsync("count", logs, "--by", "event_type");

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.Equal("play_video\t2\nseq_next\t1\n", output);
        Assert.Equal(countExit, exit);
        Assert.Equal(countOutput, output);
    }

    [Fact]
    public async Task Run_UnknownStage_UsageErrorWithLineAndColumn()
    {
        string pipeline = WriteFile("p.yaml", "stages:\n  - no-such-stage\nsink:\n  count: {by: [event_type]}\n");

        var (exit, _, error) = await RunAsync("run", pipeline, "--in", WriteLogs());

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains($"{pipeline}:2:5: unknown stage 'no-such-stage'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("count: {by: [event_type], format: parquet}")]
    [InlineData("schema: {format: parquet}")]
    public async Task Run_ParquetTableSink_UsageErrorBeforeReading(string sink)
    {
        string pipeline = WriteFile("p.yaml", "sink:\n  " + sink + "\n");

        var (exit, output, error) = await RunAsync("run", pipeline, "--in", WriteLogs());

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("format must be tsv, csv or json, not 'parquet'", error, StringComparison.Ordinal);
        Assert.DoesNotContain("lines read", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownOption_UsageErrorNamesOptionAndWhatIsAccepted()
    {
        string pipeline = WriteFile("p.yaml", "sink:\n  count:\n    by: [event_type]\n    colour: red\n");

        var (exit, _, error) = await RunAsync("run", pipeline, "--in", WriteLogs());

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains($"{pipeline}:4:13: unknown option 'colour' for 'count' (it takes options by, format)", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("from", "to")]
    [InlineData("min-date", "max-date")]
    public async Task Run_FilterStepDates_FromAndToAsOnTheCommandLineOlderNamesToo(string from, string to)
    {
        string logs = WriteFile("timed.log",
            """{"username": "u1", "event_type": "a", "time": "2015-02-28T23:00:00+00:00"}""" + "\n"
            + """{"username": "u1", "event_type": "b", "time": "2015-03-01T10:00:00+00:00"}""" + "\n"
            + """{"username": "u1", "event_type": "c", "time": "2015-03-02T00:00:00+00:00"}""" + "\n");
        string pipeline = WriteFile("p.yaml", $"stages:\n  - filter: {{{from}: 2015-03-01, {to}: 2015-03-01}}\nsink:\n  count: {{by: [event_type]}}\n");

        var (exit, output, _) = await RunAsync("run", pipeline, "--in", logs);

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.Equal("b\t1\n", output);
    }

    [Fact]
    public async Task Run_FilterStepAmbiguousDate_UsageErrorWithPosition()
    {
        string pipeline = WriteFile("p.yaml", "stages:\n  - filter: {from: 02/03/2015}\nsink:\n  count: {by: [event_type]}\n");

        var (exit, _, error) = await RunAsync("run", pipeline, "--in", WriteLogs());

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains($"{pipeline}:2:", error, StringComparison.Ordinal);
        Assert.Contains("ambiguous date '02/03/2015'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadYaml_UsageErrorWithPosition()
    {
        string pipeline = WriteFile("p.yaml", "sink:\n  count: {by: [event_type\n");

        var (exit, _, error) = await RunAsync("run", pipeline, "--in", WriteLogs());

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains($"{pipeline}:", error, StringComparison.Ordinal);
        Assert.Contains("invalid YAML", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NoSink_UsageError()
    {
        string pipeline = WriteFile("p.yaml", "stages: []\n");

        var (exit, _, error) = await RunAsync("run", pipeline, "--in", WriteLogs());

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("the pipeline has no 'sink'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("count-by-type.yaml")]
    [InlineData("desensitize.yaml")]
    [InlineData("to-bson.yaml")]
    [InlineData("filter-course.yaml")]
    [InlineData("schema.yaml")]
    public async Task Run_EveryStockPipeline_RunsCleanOnSmallLogs(string name)
    {
        string logs = WriteFile("course.log",
            """{"username": "learner_a", "event_type": "play_video", "event_source": "browser", "time": "2015-03-01T10:00:00+00:00", "ip": "192.0.2.1", "context": {"course_id": "MITx/6.002x/2T2015", "user_id": 5}, "event": "{\"id\": \"v1\"}"}""" + "\n"
            + """{"username": "learner_b", "event_type": "seq_next", "event_source": "browser", "time": "2015-03-02T10:00:00+00:00", "ip": "192.0.2.2", "context": {"course_id": "course-v1:OtherX+1+2015"}, "event": "{}"}""" + "\n");
        string key = WriteFile("key.txt", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        string output = Path.Combine(_dir.FullName, "out-" + name);

        var (exit, stdout, error) = await RunAsync("run", StockPipeline(name), "--in", logs, "--out", output, "--set", $"pseudonym-key-file={key}");

        Assert.True(exit == ExitCodes.Clean, error);
        if (name is "desensitize.yaml" or "to-bson.yaml" or "filter-course.yaml")
        {
            Assert.True(File.Exists(Path.Combine(output, "manifest.json")), error);
            Assert.Contains(name == "filter-course.yaml" ? "1 events in 1 parts" : "2 events in 1 parts", error, StringComparison.Ordinal);
        }
        else
        {
            Assert.NotEmpty(stdout);
        }

        if (name == "desensitize.yaml")
        {
            string all = string.Concat(Directory.GetFiles(output, "part-*").Select(ReadGzipText));
            Assert.DoesNotContain("learner_a", all, StringComparison.Ordinal);
            Assert.DoesNotContain("192.0.2.1", all, StringComparison.Ordinal);
        }
    }

    private static string ReadGzipText(string path)
    {
        using var gz = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        return reader.ReadToEnd();
    }
}
