using System.CommandLine;
using System.IO.Compression;
using XAnalytics.Cli;

namespace XAnalytics.Tests.Cli;

/// <summary><c>xanalytics export-events</c>: a thin shell over <c>EventExportSink</c>.</summary>
public sealed class ExportEventsCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-export-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await Program.RunAsync([.. args, "--no-progress"], new InvocationConfiguration { Output = output, Error = error }, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<string> LogAsync()
    {
        string log = Path.Combine(_dir.FullName, "tracking.log");
        await File.WriteAllLinesAsync(log,
        [
            """{"username": "learner_a", "host": "lms.example.org", "event_source": "server", "event_type": "page_close", "time": "2015-03-01T10:00:00+00:00", "context": {"course_id": "course-v1:OrgA+C1+R1", "org_id": "OrgA"}, "event": {}}""",
            """{"username": "learner_b", "host": "lms.example.org", "event_source": "server", "event_type": "/dashboard", "time": "2015-03-01T11:00:00+00:00", "context": {"course_id": ""}, "event": {}}""",
        ]);
        return log;
    }

    [Fact]
    public async Task ByCourse_WritesEdxFileNames_CountsTheRestAsFiltered()
    {
        string log = await LogAsync();
        string output = Path.Combine(_dir.FullName, "out");

        (int exit, string stdout, string stderr) = await RunAsync("export-events", log, output, "--by", "course");

        Assert.Equal(0, exit);
        Assert.Contains("Exported 1 events into 1 files", stdout, StringComparison.Ordinal);
        Assert.Contains("lines read 2 = written 1 + filtered 1 + rejected 0", stderr, StringComparison.Ordinal);
        string file = Path.Combine(output, "OrgA_C1_R1", "events", "OrgA_C1_R1-events-2015-03-01.log.gz");
        using var reader = new StreamReader(new GZipStream(File.OpenRead(file), CompressionMode.Decompress));
        Assert.Equal(File.ReadAllLines(log)[0], reader.ReadToEnd().TrimEnd('\n'));
    }

    [Theory]
    [InlineData("--by", "course", "--org", "OrgA")]
    [InlineData("--by", "sideways")]
    [InlineData("--by", "org", "--enviroment", "edge")]
    public async Task BadCommandLine_UsageError(params string[] options)
    {
        string log = await LogAsync();

        (int exit, _, string stderr) = await RunAsync(["export-events", log, Path.Combine(_dir.FullName, "out"), .. options]);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.NotEqual(string.Empty, stderr.Trim());
        Assert.False(Directory.Exists(Path.Combine(_dir.FullName, "out")));
    }
}
