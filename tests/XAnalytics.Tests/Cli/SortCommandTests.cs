using System.CommandLine;
using System.IO.Compression;
using System.Text;
using XAnalytics.Cli;
using XAnalytics.Cli.Commands;

namespace XAnalytics.Tests.Cli;

/// <summary><c>xanalytics sort</c> end to end, in-process: order, exit codes, usage errors, help.</summary>
public sealed class SortCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-sort-");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string rejects = Path.Combine(_dir.FullName, $"rejects-{Guid.NewGuid():N}.tsv");
        int exit = await Program.BuildRoot().Parse([.. args, "--rejects", rejects, "--no-progress", "--set", $"scratch-dir={Path.Combine(_dir.FullName, "scratch")}"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error })
            .WaitAsync(TimeSpan.FromSeconds(60));
        return (exit, output.ToString(), error.ToString());
    }

    private string WriteLogs(string text)
    {
        string path = Path.Combine(_dir.FullName, "logs", "tracking.log-20150301-1.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gz.Write(Encoding.UTF8.GetBytes(text));
        return Path.GetDirectoryName(path)!;
    }

    private static List<string> ReadOut(string folder)
        => TestSupport.TestArchives.ReadLines(Directory.GetFiles(folder, "part-*.json.gz").Order(StringComparer.Ordinal));

    [Fact]
    public async Task Sort_MixedTimesAndRejects_LearnerOrderExit3()
    {
        string logs = WriteLogs(
            """{"username":"b","time":"2015-03-01T10:00:46+00:00","n":0}""" + "\n"
            + """{"username":"a","time":"2015-03-01T10:00:46.5Z","n":1}""" + "\n"
            + "not json\n"
            + """{"time":"2015-03-01T10:00:00Z","n":2}""" + "\n"
            + """{"username":"a","time":"2015-03-01T10:00:46","n":3}""" + "\n"
            + """{"username":"a","n":4}""" + "\n");
        string outDir = Path.Combine(_dir.FullName, "out");
        (int exit, _, string error) = await RunAsync("sort", logs, outDir, "--memory", "16MiB");
        Assert.Equal(3, exit);
        Assert.Equal(
            [
                """{"time":"2015-03-01T10:00:00Z","n":2}""",
                """{"username":"a","time":"2015-03-01T10:00:46","n":3}""",
                """{"username":"a","time":"2015-03-01T10:00:46.5Z","n":1}""",
                """{"username":"a","n":4}""",
                """{"username":"b","time":"2015-03-01T10:00:46+00:00","n":0}""",
            ],
            ReadOut(outDir));
        Assert.Contains("no-learner 1", error, StringComparison.Ordinal);
        Assert.Contains("no-time 1", error, StringComparison.Ordinal);
        Assert.Contains("\"sortedBy\": \"username,time\"", File.ReadAllText(Path.Combine(outDir, "manifest.json")), StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(Path.Combine(_dir.FullName, "scratch"), "xanalytics-sort-*"));
    }

    [Fact]
    public async Task Sort_CleanInput_Exit0()
    {
        string logs = WriteLogs("""{"username":"b","time":"2015-03-01T10:00:00Z"}""" + "\n" + """{"username":"a","time":"2015-03-01T10:00:00Z"}""" + "\n");
        (int exit, _, _) = await RunAsync("sort", logs, Path.Combine(_dir.FullName, "out"));
        Assert.Equal(0, exit);
        Assert.Equal(
            ["""{"username":"a","time":"2015-03-01T10:00:00Z"}""", """{"username":"b","time":"2015-03-01T10:00:00Z"}"""],
            ReadOut(Path.Combine(_dir.FullName, "out")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("12XB")]
    [InlineData("-5MiB")]
    public async Task Sort_BadMemory_Exit2(string memory)
    {
        string logs = WriteLogs("""{"username":"a"}""" + "\n");
        (int exit, _, _) = await RunAsync("sort", logs, Path.Combine(_dir.FullName, "out"), "--memory", memory);
        Assert.Equal(2, exit);
    }

    [Theory]
    [InlineData("512MiB", 512L << 20)]
    [InlineData("256 kib", 256L << 10)]
    [InlineData("1000", 1000L)]
    [InlineData("2GiB", 2L << 30)]
    public void ParseBytes_Suffixes_Bytes(string text, long expected) => Assert.Equal(expected, SortCommand.ParseBytes(text));

    [Theory]
    [InlineData("sort")]
    [InlineData("learners")]
    public async Task Memory_BelowTheLeast_Exit2WithTheOptionNamed(string commandName)
    {
        string logs = WriteLogs("""{"username":"a"}""" + "\n");
        (int exit, _, string error) = await RunAsync(commandName, logs, Path.Combine(_dir.FullName, "out"), "--memory", "4MiB");
        Assert.Equal(2, exit);
        Assert.Contains("--memory must be at least 16MiB", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Parameter", error, StringComparison.Ordinal);
        Assert.Equal(16L << 20, SortCommand.ParseMemory("16MiB"));
    }

    [Fact]
    public async Task Help_DescribesOrderAndOptions()
    {
        (int exit, string output, _) = await RunAsync("sort", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--by", output, StringComparison.Ordinal);
        Assert.Contains("--memory", output, StringComparison.Ordinal);
        Assert.Contains("as an instant", output, StringComparison.Ordinal);
        Assert.Contains("Exit codes", output, StringComparison.Ordinal);
    }
}
