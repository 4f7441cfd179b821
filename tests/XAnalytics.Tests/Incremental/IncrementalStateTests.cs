using XAnalytics.Events;
using XAnalytics.Incremental;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Incremental;

/// <summary>The state of daily runs: which files are new, and a folded file that changed or vanished said out loud.</summary>
public sealed class IncrementalStateTests
{
    [Fact]
    public void NewFiles_AfterASave_AreOnlyTheFilesNotFoldedYet()
    {
        using var dir = new TempDir();
        dir.WriteText("logs/a.log", "{}\n");
        dir.WriteText("logs/b.log", "{}\n");
        IncrementalState first = IncrementalState.Open(dir.PathOf("state"), "count", ["--by", "event_type"], rebuild: false);
        IReadOnlyList<FileFingerprint> fresh = first.NewFiles(Listed(dir.PathOf("logs/a.log"), dir.PathOf("logs/b.log")));
        Assert.Equal(2, fresh.Count);
        var aggregate = new XAnalytics.Aggregates.CountAggregate([]);
        first.Save(aggregate, aggregate.CreatePartial(), fresh, new IncrementalState.Totals(2, 2, 0, 0, 0));

        dir.WriteText("logs/c.log", "{}\n");
        IncrementalState second = IncrementalState.Open(dir.PathOf("state"), "count", ["--by", "event_type"], rebuild: false);
        IReadOnlyList<FileFingerprint> next = second.NewFiles(Listed(dir.PathOf("logs/a.log"), dir.PathOf("logs/b.log"), dir.PathOf("logs/c.log")));

        Assert.Equal([Path.GetFullPath(dir.PathOf("logs/c.log"))], next.Select(static f => f.Path));
        Assert.Equal(2, second.SoFar.Read);
        Assert.NotNull(second.LoadPartial(aggregate));
        second.Save(aggregate, aggregate.CreatePartial(), next, default);
        Assert.Equal(["state-000002.xap"], Directory.GetFiles(dir.PathOf("state"), "*.xap").Select(Path.GetFileName));
    }

    [Fact]
    public void NewFiles_AFoldedFileChanged_IsAnErrorNamingIt_UnlessRebuilt()
    {
        using var dir = new TempDir();
        dir.WriteText("logs/a.log", "{\"n\":1}\n");
        SaveWith(dir, dir.PathOf("logs/a.log"));
        dir.WriteText("logs/a.log", "{\"n\":2}\n"); // same size, other bytes

        IncrementalState state = IncrementalState.Open(dir.PathOf("state"), "count", [], rebuild: false);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => state.NewFiles(Listed(dir.PathOf("logs/a.log"))));
        Assert.Contains(Path.GetFullPath(dir.PathOf("logs/a.log")), e.Message, StringComparison.Ordinal);
        Assert.Contains("--rebuild", e.Message, StringComparison.Ordinal);

        IncrementalState rebuilt = IncrementalState.Open(dir.PathOf("state"), "count", [], rebuild: true);
        Assert.Single(rebuilt.NewFiles(Listed(dir.PathOf("logs/a.log"))));
    }

    [Fact]
    public void NewFiles_AFoldedFileVanished_IsAnErrorNamingIt()
    {
        using var dir = new TempDir();
        dir.WriteText("logs/a.log", "{}\n");
        SaveWith(dir, dir.PathOf("logs/a.log"));
        File.Delete(dir.PathOf("logs/a.log"));

        IncrementalState state = IncrementalState.Open(dir.PathOf("state"), "count", [], rebuild: false);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => state.NewFiles([]));
        Assert.Contains("is gone", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_OtherCommandOrOptions_IsRefusedNamingBoth()
    {
        using var dir = new TempDir();
        dir.WriteText("logs/a.log", "{}\n");
        SaveWith(dir, dir.PathOf("logs/a.log"));

        InvalidDataException e = Assert.Throws<InvalidDataException>(() => IncrementalState.Open(dir.PathOf("state"), "count", ["--by", "username"], rebuild: false));
        Assert.Contains("'count'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'count --by username'", e.Message, StringComparison.Ordinal);
    }

    private static void SaveWith(TempDir dir, string file)
    {
        IncrementalState state = IncrementalState.Open(dir.PathOf("state"), "count", [], rebuild: false);
        var aggregate = new XAnalytics.Aggregates.CountAggregate([]);
        state.Save(aggregate, aggregate.CreatePartial(), state.NewFiles(Listed(file)), default);
    }

    private static SourceFile[] Listed(params string[] paths)
        => [.. paths.Select(static (p, i) => new SourceFile(p, i, new FileInfo(p).Length, SourceFormat.JsonLines))];
}
