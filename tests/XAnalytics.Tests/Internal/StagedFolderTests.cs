using XAnalytics.Internal;

namespace XAnalytics.Tests.Internal;

public sealed class StagedFolderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-staged-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Target => Path.Combine(_dir.FullName, "out");

    [Fact]
    public void Publish_TargetExists_SwappedWholeAndOldDeleted()
    {
        Directory.CreateDirectory(Target);
        File.WriteAllText(Path.Combine(Target, "part-00000"), "old");
        File.WriteAllText(Path.Combine(Target, "part-00001"), "old");
        StagedFolder staged = StagedFolder.Create(Target, replace: true, static _ => true, "refused");
        File.WriteAllText(Path.Combine(staged.Path, "part-00000"), "new");

        // Until published, the target is the old folder, untouched.
        Assert.Equal("old", File.ReadAllText(Path.Combine(Target, "part-00000")));
        staged.Publish();

        Assert.Equal(["part-00000"], Directory.GetFileSystemEntries(Target).Select(Path.GetFileName));
        Assert.Equal("new", File.ReadAllText(Path.Combine(Target, "part-00000")));
        Assert.Equal([Target], Directory.GetFileSystemEntries(_dir.FullName));
    }

    [Fact]
    public void Create_NonEmptyWithoutReplace_RefusedAndNothingStaged()
    {
        Directory.CreateDirectory(Target);
        File.WriteAllText(Path.Combine(Target, "part-00000"), "old");

        var e = Assert.Throws<IOException>(() => StagedFolder.Create(Target, replace: false, static _ => true, "refused"));

        Assert.Equal("refused", e.Message);
        Assert.Equal([Target], Directory.GetFileSystemEntries(_dir.FullName));
    }

    [Fact]
    public void Discard_NotPublished_TargetNeverAppears()
    {
        StagedFolder staged = StagedFolder.Create(Target, replace: false, static _ => true, "refused");
        File.WriteAllText(Path.Combine(staged.Path, "part-00000"), "new");

        Assert.StartsWith(".out.staging-", Path.GetFileName(staged.Path), StringComparison.Ordinal);
        staged.Discard();
        staged.Discard();

        Assert.Empty(Directory.GetFileSystemEntries(_dir.FullName));
    }
}
