using System.Diagnostics;
using System.Text;
using XAnalytics.Pipeline;
using XAnalytics.Sources;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Sources;

/// <summary>
/// Links, pipes and standard input: each file read once whatever links lead to it, a pipe in a tree never waited
/// on, a pipe or standard input named explicitly read as it comes (no seeking), and output never read as input.
/// </summary>
public sealed class FileSourceLinksAndPipesTests
{
    private const string Event = "{\"event_type\":\"play_video\",\"username\":\"learner_a\"}\n";

    [Fact]
    public async Task Plan_LinksBackUpTheTreeAndToItsRoot_EachFileReadOnce()
    {
        // With up -> ../ the file was read 41 times (until paths grew too long), with abs -> the root twice.
        using var dir = new TempDir();
        dir.WriteGzip("tree/a/tracking.log-1.gz", Event);
        dir.WriteText("tree/b/tracking.log-2", Event);
        Directory.CreateSymbolicLink(dir.PathOf("tree/a/up"), "../");
        Directory.CreateSymbolicLink(dir.PathOf("tree/abs"), dir.PathOf("tree"));
        File.CreateSymbolicLink(dir.PathOf("tree/b/again.gz"), dir.PathOf("tree/a/tracking.log-1.gz"));

        FileSource plan = FileSource.Plan(new FileSourceOptions { Inputs = [dir.PathOf("tree")] });
        (RunResult result, _) = await Run.CountAsync(Run.Options([dir.PathOf("tree")]));

        Assert.Equal(["a/tracking.log-1.gz", "b/tracking.log-2"], plan.Files.Select(f => Path.GetRelativePath(dir.PathOf("tree"), f.Path)));
        Assert.Contains("3 links to files or folders already read were not followed again.", plan.Notes);
        Assert.Equal(2, result.Counters.Events);
    }

    [Fact]
    public void Plan_LinkToAFolderOutsideTheTree_FollowedOnce()
    {
        using var dir = new TempDir();
        dir.WriteText("outside/x.log", Event);
        dir.WriteText("tree/y.log", Event);
        Directory.CreateSymbolicLink(dir.PathOf("tree/l1"), dir.PathOf("outside"));
        Directory.CreateSymbolicLink(dir.PathOf("tree/l2"), dir.PathOf("outside"));

        FileSource plan = FileSource.Plan(new FileSourceOptions { Inputs = [dir.PathOf("tree")] });

        Assert.Equal(["l1/x.log", "y.log"], plan.Files.Select(f => Path.GetRelativePath(dir.PathOf("tree"), f.Path)));
    }

    [Fact]
    public void Plan_OutputFolderAndExcludedPathsInsideTheTree_NotRead()
    {
        using var dir = new TempDir();
        dir.WriteText("tree/in.log", Event);
        string part = dir.WriteGzip("tree/parts/part-00000.json.gz", Event);
        byte[] partBytes = File.ReadAllBytes(part);
        dir.WriteText("tree/parts/manifest.json", $$"""
            {"parts": [{"name": "part-00000.json.gz", "events": 1, "bytes": {{partBytes.Length}}, "sha256": "{{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(partBytes))}}"}]}
            """);
        dir.WriteText("tree/out/part-00000.json", Event); // this run's OUT, named explicitly
        dir.WriteText("tree/rejects.tsv", "file\tline\treason\tdetail\traw\n");

        FileSource plan = FileSource.Plan(new FileSourceOptions
        {
            Inputs = [dir.PathOf("tree")],
            Exclude = [dir.PathOf("tree/out"), dir.PathOf("tree/rejects.tsv")],
        });
        FileSource partsAlone = FileSource.Plan(new FileSourceOptions { Inputs = [dir.PathOf("tree/parts")] });

        Assert.Equal([dir.PathOf("tree/in.log")], plan.Files.Select(f => f.Path));
        Assert.Contains(plan.Notes, n => n.StartsWith($"skipped {dir.PathOf("tree/parts")}: an output folder", StringComparison.Ordinal));
        Assert.Single(partsAlone.Files); // named as an input, a parts folder still reads back
    }

    [Fact]
    public async Task Plan_NamedPipeInTree_SkippedWithANoteNotWaitedOn()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var dir = new TempDir();
        dir.WriteText("tree/a.log", Event);
        await MakeFifoAsync(dir.PathOf("tree/pipe"));

        // Waiting on the pipe would hang here (nobody writes to it): the timeout fails the test instead.
        (RunResult result, _) = await Run.CountAsync(Run.Options([dir.PathOf("tree")]));
        FileSource plan = FileSource.Plan(new FileSourceOptions { Inputs = [dir.PathOf("tree")] });

        Assert.Equal(1, result.Counters.Events);
        Assert.Contains($"skipped {dir.PathOf("tree/pipe")}: a named pipe; name it as an input to read it.", plan.Notes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_NamedPipeGivenExplicitly_ReadAsItComes(bool gzip)
    {
        // It failed with a stack trace: the gzip sniffing seeked back to the start.
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var dir = new TempDir();
        string fifo = dir.PathOf("pipe");
        await MakeFifoAsync(fifo);
        byte[] bytes = Encoding.UTF8.GetBytes(Event + Event + Event);
        Task writer = Task.Run(async () =>
        {
            await using FileStream stream = new(fifo, FileMode.Open, FileAccess.Write);
            await stream.WriteAsync(gzip ? Gzip.Compress(bytes) : bytes);
        });

        (RunResult result, _) = await Run.CountAsync(Run.Options([fifo]));
        await writer.WaitAsync(Run.Timeout);

        Assert.Equal(3, result.Counters.Events);
        Assert.True(result.IsClean);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_StandardInput_PlainOrGzipByMagic(bool gzip)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Event + "not json\n" + Event);
        byte[] input = gzip ? Gzip.Compress(bytes) : bytes;
        PipelineOptions options = Run.Options([FileSource.StandardInput]) with
        {
            Source = new FileSourceOptions { Inputs = [FileSource.StandardInput], StandardInput = () => new TrickleStream(input, maxRead: 1) },
        };

        (RunResult result, _) = await Run.CountAsync(options);

        Assert.Equal(2, result.Counters.Events);
        Assert.Equal(1, result.Counters.Rejected);
    }

    [Fact]
    public void Plan_StandardInputTwice_ArgumentException()
        => Assert.Throws<ArgumentException>(() => FileSource.Plan(new FileSourceOptions { Inputs = ["-", "-"] }));

    private static async Task MakeFifoAsync(string path)
    {
        using Process process = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        await process.WaitForExitAsync().WaitAsync(Run.Timeout);
        Assert.Equal(0, process.ExitCode);
    }
}
