using System.Runtime.InteropServices;
using XAnalytics.Internal;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Internal;

/// <summary>Folders for learners' data (rejects) are created private and trusted only when they are ours.</summary>
public sealed class PrivateDirectoryTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Ensure_Missing_CreatedForItsOwnerOnly()
    {
        string path = PrivateDirectory.Ensure(_dir.PathOf("a/private"));

        Assert.True(Directory.Exists(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void Ensure_OurFolderOpenToAll_NarrowedToOwnerOnly()
    {
        if (OperatingSystem.IsWindows() || PrivateDirectory.OwnerOf(_dir.Root) < 0)
        {
            return; // the owner is only known on Linux; elsewhere an open folder is refused (next test's path)
        }

        string path = _dir.PathOf("open");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, (UnixFileMode)0x1FF); // 0777

        PrivateDirectory.Ensure(path);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Ensure_SymbolicLink_Refused()
    {
        string target = _dir.PathOf("elsewhere");
        Directory.CreateDirectory(target);
        string link = _dir.PathOf("link");
        Directory.CreateSymbolicLink(link, target);

        var e = Assert.Throws<UnauthorizedAccessException>(() => PrivateDirectory.Ensure(link));

        Assert.Contains("symbolic link", e.Message, StringComparison.Ordinal);
        Assert.Contains("scratch-dir", e.Message, StringComparison.Ordinal);
    }

    [LinuxRootFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Ensure_AnotherUsersOpenFolder_Refused()
    {
        // The /tmp/xanalytics-$USER attack: someone else made the folder first, open to all.
        string path = _dir.PathOf("planted");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, (UnixFileMode)0x1FF); // 0777
        Assert.Equal(0, chown(path, 65534, 65534));

        var e = Assert.Throws<UnauthorizedAccessException>(() => PrivateDirectory.Ensure(path));

        Assert.Contains("another user (uid 65534)", e.Message, StringComparison.Ordinal);
        Assert.Equal((UnixFileMode)0x1FF, File.GetUnixFileMode(path)); // left as it was: not ours to change
    }

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int chown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);
}
