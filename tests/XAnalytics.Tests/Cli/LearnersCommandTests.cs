using System.CommandLine;
using XAnalytics.Cli;
using XAnalytics.Reports.Learners;

namespace XAnalytics.Tests.Cli;

/// <summary><c>xanalytics learners</c> end to end, in-process: the same tables from a plain, a sorted and a sharded archive.</summary>
public sealed class LearnersCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-learners-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] reading = args[0] is "generate" or "release" ? [] :
            ["--rejects", PathOf($"rejects-{Guid.NewGuid():N}.tsv"), "--no-progress", "--set", $"scratch-dir={PathOf("scratch")}", "--set", $"public-data-dir={PathOf("no-public-data")}"];
        int exit = await Program.RunAsync([.. args, .. reading], new InvocationConfiguration { Output = output, Error = error }, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(120));
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Learners_ShardedSortedAndPlainInput_WriteIdenticalTables()
    {
        Directory.CreateDirectory(PathOf("no-public-data"));
        Assert.Equal(0, (await RunAsync("generate", PathOf("in"), "--events", "30000", "--files", "4", "--courses", "3", "--learners", "300", "--days", "5", "--bad-rate", "0.002")).ExitCode);

        (int exit, string output, string error) = await RunAsync("learners", PathOf("in"), PathOf("plain"));
        Assert.True(exit is 0 or 3, error);
        Assert.Contains("learner-course rows", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not sorted again", error, StringComparison.Ordinal);

        Assert.Equal(exit, (await RunAsync("shard", PathOf("in"), PathOf("sharded-sorted"), "--buckets", "4", "--sorted")).ExitCode);
        Assert.Equal(exit, (await RunAsync("shard", PathOf("in"), PathOf("sharded"), "--buckets", "3")).ExitCode);
        Assert.Equal(exit, (await RunAsync("sort", PathOf("in"), PathOf("sorted"))).ExitCode);

        // The shard and sort outputs hold no rejected lines: they were rejected (and counted) when the shard was written.
        (int fromShard, _, string shardError) = await RunAsync("learners", PathOf("sharded-sorted"), PathOf("from-sharded-sorted"));
        Assert.Equal(0, fromShard);
        Assert.Contains("not sorted again", shardError, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("learners", PathOf("sharded"), PathOf("from-sharded"))).ExitCode);
        (int fromSorted, _, string sortedError) = await RunAsync("learners", PathOf("sorted"), PathOf("from-sorted"));
        Assert.Equal(0, fromSorted);
        Assert.Contains("not sorted again", sortedError, StringComparison.Ordinal);

        foreach (string csv in LearnerTableWriter.CsvFiles)
        {
            string expected = File.ReadAllText(Path.Combine(PathOf("plain"), csv));
            Assert.True(expected.Split('\n').Length > 100, $"{csv} is nearly empty");
            Assert.Equal(expected, File.ReadAllText(Path.Combine(PathOf("from-sharded-sorted"), csv)));
            Assert.Equal(expected, File.ReadAllText(Path.Combine(PathOf("from-sharded"), csv)));
            Assert.Equal(expected, File.ReadAllText(Path.Combine(PathOf("from-sorted"), csv)));
        }

        string html = File.ReadAllText(Path.Combine(PathOf("plain"), "index.html"));
        Assert.Contains("charts/time_on_task_per_learner.svg", html, StringComparison.Ordinal);
        Assert.Contains("charts/sessions_per_learner.svg", html, StringComparison.Ordinal);
        Assert.Contains("charts/viewed_explored.svg", html, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(PathOf("plain"), "charts", "viewed_explored.png")));

        // The release of the person-course table: its own check passed (exit 0), and holds when run again here.
        await File.WriteAllTextAsync(PathOf("release.key"), "0123456789abcdef0123456789abcdef");
        (int released, string releaseOutput, string releaseError) = await RunAsync("release", Path.Combine(PathOf("plain"), "person_course.csv"), PathOf("release"),
            "--k", "5", "--quasi", "country,first_event_month,nforum_posts", "--key-file", PathOf("release.key"));
        Assert.True(released == 0, releaseError);
        Assert.Contains("checked:", releaseOutput, StringComparison.Ordinal);
        KAnonymityCheck check = PersonCourseRelease.Check(Path.Combine(PathOf("release"), PersonCourseRelease.CsvFileName), ["region", "first_event_month", "nforum_posts"], 5);
        Assert.True(check.IsKAnonymous && check.Rows > 0, check.ToString());
    }

    [Fact]
    public async Task Learners_BadSessionGapOrUnknownOption_IsAUsageError()
    {
        string log = PathOf("tracking.log");
        await File.WriteAllTextAsync(log, """{"username": "ada_test", "event_type": "seq_goto", "time": "2015-03-02T10:00:00+00:00", "context": {"course_id": "OrgX/C1/2015"}}""" + "\n");

        (int exit, _, string error) = await RunAsync("learners", log, PathOf("out"), "--session-gap", "30");
        Assert.True(exit == 2, error);
        Assert.Contains("--session-gap: '30' is not a duration", error, StringComparison.Ordinal);
        (exit, _, error) = await RunAsync("learners", log, PathOf("out"), "--session-gapp", "30m");
        Assert.Equal(2, exit);
        Assert.Contains("unknown option '--session-gapp'; did you mean '--session-gap'?", error, StringComparison.Ordinal);
        (exit, _, error) = await RunAsync("learners", log, PathOf("out"), "--shard", "0/2");
        Assert.Equal(2, exit);
        Assert.Contains("--buckets", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(PathOf("out")));
    }
}
