using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Pipeline;

/// <summary>Rejects files hold raw lines (learners' data): created without following links, and not kept forever.</summary>
public sealed class RejectLogTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Sweep_StaleTemporaryOfADeadRun_Deleted_OthersKept()
    {
        DateTime twoDaysAgo = DateTime.UtcNow.AddDays(-2);
        string dead = _dir.WriteText(".run-20250101-000000-7.tsv.2147483000.tmp", "x");
        File.SetLastWriteTimeUtc(dead, twoDaysAgo);
        string fresh = _dir.WriteText(".run-20250101-000000-8.tsv.2147483001.tmp", "x");
        string alive = _dir.WriteText($".run-20250101-000000-9.tsv.{Environment.ProcessId}.tmp", "x");
        File.SetLastWriteTimeUtc(alive, twoDaysAgo);
        string other = _dir.WriteText(".notes.tmp", "x");
        File.SetLastWriteTimeUtc(other, twoDaysAgo);

        Assert.Equal(1, RejectLog.Sweep(_dir.Root, keep: 20, TimeSpan.FromDays(1)));

        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(alive));
        Assert.True(File.Exists(other));
    }

    [Fact]
    public void Sweep_KeepsTheNewestRejectsFiles_RoomForThisRuns()
    {
        DateTime start = DateTime.UtcNow.AddHours(-10);
        for (int i = 0; i < 6; i++)
        {
            File.SetLastWriteTimeUtc(_dir.WriteText($"run-{i}.tsv", "file\tline\n"), start.AddHours(i));
        }

        Assert.Equal(4, RejectLog.Sweep(_dir.Root, keep: 3, TimeSpan.FromDays(1)));

        Assert.Equal(["run-4.tsv", "run-5.tsv"], _dir.ListFiles());
    }

    [Fact]
    public void Add_PlantedLinkAtTheTemporaryName_NotFollowed()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string victim = _dir.WriteText("victim.txt", "keep me");
        string path = _dir.PathOf("rejects.tsv");
        string temp = _dir.PathOf($".rejects.tsv.{Environment.ProcessId}.tmp");
        File.CreateSymbolicLink(temp, victim);
        var log = new RejectLog(path, new RunCounters(1, 0));

        log.Add(new SourceFile("in.log", 0, 0, SourceFormat.JsonLines), 1, "bad-json", "", "canary line"u8);
        log.Commit();

        Assert.Equal("keep me", File.ReadAllText(victim));
        Assert.Contains("canary line", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }
}
