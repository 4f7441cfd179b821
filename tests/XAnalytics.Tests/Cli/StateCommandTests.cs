using System.CommandLine;
using XAnalytics.Cli;
using XAnalytics.Tests.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Cli;

/// <summary>
/// Daily incremental runs (<c>--state</c>): files arriving one day at a time, folded run after run, give the same
/// results as one run over all of them.
/// </summary>
public sealed class StateCommandTests
{
    [Fact]
    public async Task Count_FilesArrivingDayByDay_SameTableAsOneRunOverAll_AndEachRunReadsOnlyNewFiles()
    {
        using var dir = new TempDir();
        await TestArchives.GenerateAsync(dir.PathOf("all"), events: 6_000, files: 3, courses: 2, learners: 80, days: 3);
        string[] files = [.. Directory.GetFiles(dir.PathOf("all"), "*.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
        Assert.True(files.Length >= 3);
        (_, string whole, _) = await RunAsync(dir, "count", dir.PathOf("all"), "--by", "event_type", "--by", "day");

        string? last = null;
        for (int i = 0; i < files.Length; i++)
        {
            string target = dir.PathOf(Path.Combine("daily", Path.GetRelativePath(dir.PathOf("all"), files[i])));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(files[i], target);
            (int exit, string output, string error) = await RunAsync(dir, "count", dir.PathOf("daily"), "--by", "event_type", "--by", "day", "--state", dir.PathOf("state"));
            Assert.True(exit is 0 or 3, error);
            Assert.Contains("1 new files folded in", error, StringComparison.Ordinal);
            last = output;
        }

        Assert.Equal(whole, last);

        // Nothing new: the state's results again, and nothing read.
        (int again, string same, string note) = await RunAsync(dir, "count", dir.PathOf("daily"), "--by", "event_type", "--by", "day", "--state", dir.PathOf("state"));
        Assert.True(again is 0 or 3, note);
        Assert.Equal(whole, same);
        Assert.Contains("no new input files", note, StringComparison.Ordinal);

        // Other options with the same state: refused, not mixed.
        (int refused, _, string why) = await RunAsync(dir, "count", dir.PathOf("daily"), "--by", "username", "--state", dir.PathOf("state"));
        Assert.NotEqual(0, refused);
        Assert.Contains("--rebuild", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_WithState_ListsTheInputTreeOnce_AndReadsTheFilesOfThatListing()
    {
        using var dir = new TempDir();
        dir.WriteText("logs/day1.log", "{\"event_type\":\"a\"}\n");
        string logs = dir.PathOf("logs");
        int listings = 0;
        void Count(XAnalytics.Pipeline.FileSourceOptions o)
        {
            if (o.Inputs.Contains(logs))
            {
                Interlocked.Increment(ref listings);
            }
        }

        XAnalytics.Sources.FileSource.Listing += Count;
        try
        {
            (int first, string one, string error) = await RunAsync(dir, "count", logs, "--by", "event_type", "--state", dir.PathOf("state"));
            Assert.True(first == 0, error);
            Assert.Equal("a\t1\n", one.ReplaceLineEndings("\n"));
            Assert.Equal(1, listings);

            dir.WriteText("logs/day2.log", "{\"event_type\":\"b\"}\n{\"event_type\":\"b\"}\n");
            (int second, string both, error) = await RunAsync(dir, "count", logs, "--by", "event_type", "--state", dir.PathOf("state"));
            Assert.True(second == 0, error);
            Assert.Contains("1 new files folded in", error, StringComparison.Ordinal);
            Assert.Equal("b\t2\na\t1\n", both.ReplaceLineEndings("\n"));
            Assert.Equal(2, listings);
        }
        finally
        {
            XAnalytics.Sources.FileSource.Listing -= Count;
        }
    }

    [Fact]
    public async Task Schema_FilesArrivingOneByOne_SameTableAsOneRunOverAll()
    {
        using var dir = new TempDir();
        await TestArchives.GenerateAsync(dir.PathOf("all"), events: 3_000, files: 3, courses: 2, learners: 40, days: 3);
        string[] files = [.. Directory.GetFiles(dir.PathOf("all"), "*.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
        (_, string whole, _) = await RunAsync(dir, "schema", dir.PathOf("all"), "--format", "csv");
        Assert.Contains("event_type", whole, StringComparison.Ordinal);

        string? last = null;
        foreach (string file in files)
        {
            string target = dir.PathOf(Path.Combine("daily", Path.GetRelativePath(dir.PathOf("all"), file)));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            (int exit, string output, string error) = await RunAsync(dir, "schema", dir.PathOf("daily"), "--format", "csv", "--state", dir.PathOf("state"));
            Assert.True(exit is 0 or 3, error);
            Assert.Contains("1 new files folded in", error, StringComparison.Ordinal);
            last = output;
        }

        Assert.Equal(whole, last);
    }

    [EdxCorpusFact]
    public async Task Report_CorpusFilesOneByOne_SameCsvsAsOneRunOverAll()
    {
        using var dir = new TempDir();
        string[] logs = [.. new[] { "user_activity_tracking.log", "enrollment_trends_tracking.log", "video_timeline.log" }.Select(EdxCorpus.File)];
        Directory.CreateDirectory(dir.PathOf("all"));
        foreach (string log in logs)
        {
            File.Copy(log, dir.PathOf(Path.Combine("all", Path.GetFileName(log))));
        }

        (int wholeExit, _, string wholeError) = await RunAsync(dir, "report", dir.PathOf("all"), dir.PathOf("whole"));
        Assert.True(wholeExit is 0 or 3, wholeError);
        Directory.CreateDirectory(dir.PathOf("daily"));
        foreach (string log in logs)
        {
            File.Copy(log, dir.PathOf(Path.Combine("daily", Path.GetFileName(log))));
            (int exit, _, string error) = await RunAsync(dir, "report", dir.PathOf("daily"), dir.PathOf("folded"), "--state", dir.PathOf("state"));
            Assert.True(exit is 0 or 3, error);
        }

        string[] csvs = Directory.GetFiles(dir.PathOf("whole"), "*.csv");
        Assert.NotEmpty(csvs);
        foreach (string csv in csvs)
        {
            Assert.Equal(File.ReadAllText(csv), File.ReadAllText(dir.PathOf(Path.Combine("folded", Path.GetFileName(csv)))));
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(TempDir dir, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await Program.BuildRoot().Parse([.. args, "--no-progress", "--rejects", dir.PathOf("rejects.tsv")])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error })
            .WaitAsync(TimeSpan.FromSeconds(120));
        return (exit, output.ToString(), error.ToString());
    }
}
