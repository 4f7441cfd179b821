using System.Runtime.InteropServices;

namespace XAnalytics.Internal;

/// <summary>
/// Folders that hold learners' data (rejected lines): created readable by their owner only, and, when they exist
/// already, trusted only if they are ours. A folder in a shared place such as <c>/tmp</c> can be made by anyone
/// first (another user's folder, open to all, with a planted symbolic link), so the checks look at the folder
/// itself without following links (<c>lstat</c>).
/// </summary>
internal static class PrivateDirectory
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Creates <paramref name="path"/> (mode 0700) or checks the existing one: a real folder (not a link), owned by
    /// the effective user; a folder of ours open to others is narrowed to 0700. Returns the path.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">A link, not a folder, or another user's folder: refused.</exception>
    public static string Ensure(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return path;
        }

        string? parent = Path.GetDirectoryName(Path.GetFullPath(path));
        if (parent is not null && !Directory.Exists(parent))
        {
            Directory.CreateDirectory(parent);
        }

        if (!Exists(path))
        {
            Directory.CreateDirectory(path, OwnerOnly);
        }

        // Checked after creating too: someone may have made it between the test and the creation.
        Check(path);
        return path;
    }

    /// <summary>
    /// Deletes a private working folder and what is in it, trying again a few times: a file another thread created an
    /// instant before makes the last step (the folder itself) fail once. Never throws; a folder that cannot go stays.
    /// </summary>
    public static void DeleteQuietly(string path)
    {
        for (int attempt = 0; attempt < 5 && Directory.Exists(path); attempt++)
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
                // A file appeared while deleting, or another cleanup deleted first: look again.
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The owner's user id of <paramref name="path"/> itself (a link is not followed), or -1 where that is not known
    /// (not Linux, or no <c>statx</c>).
    /// </summary>
    public static long OwnerOf(string path)
        => OperatingSystem.IsLinux() && TryStat(path, out uint uid, out _) ? uid : -1;

    /// <summary>The effective user id, or -1 where that is not known.</summary>
    public static long EffectiveUserId()
    {
        if (!OperatingSystem.IsLinux())
        {
            return -1;
        }

        try
        {
            return NativeMethods.geteuid();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return -1;
        }
    }

    private static bool Exists(string path)
    {
        var info = new DirectoryInfo(path);
        return info.Exists || info.LinkTarget is not null || File.Exists(path);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Check(string path)
    {
        var info = new DirectoryInfo(path);
        if (info.LinkTarget is not null)
        {
            throw new UnauthorizedAccessException(
                $"The private folder '{path}' is a symbolic link; refusing to write learners' data through it. Remove it, or set 'scratch-dir' to a folder of your own.");
        }

        if (!info.Exists)
        {
            throw new UnauthorizedAccessException($"'{path}' is not a folder; refusing to use it for learners' data. Remove it, or set 'scratch-dir'.");
        }

        long owner = OwnerOf(path);
        long me = EffectiveUserId();
        if (owner >= 0 && me >= 0 && owner != me)
        {
            throw new UnauthorizedAccessException(
                $"The private folder '{path}' belongs to another user (uid {owner}); refusing to write learners' data into it. Remove it, or set 'scratch-dir' to a folder of your own.");
        }

        UnixFileMode mode = File.GetUnixFileMode(path);
        if ((mode & ~OwnerOnly) != 0)
        {
            if (owner < 0)
            {
                // Owner unknown on this platform: a folder open to others cannot be shown to be ours.
                throw new UnauthorizedAccessException(
                    $"The private folder '{path}' is open to other users; refusing to write learners' data into it. Remove it, or set 'scratch-dir'.");
            }

            File.SetUnixFileMode(path, OwnerOnly); // ours, but too open: narrowed
        }
    }

    private static bool TryStat(string path, out uint uid, out uint mode)
    {
        uid = 0;
        mode = 0;
        byte[] buffer = new byte[256];
        try
        {
            if (NativeMethods.statx(NativeMethods.AtFdCwd, path, NativeMethods.AtSymlinkNoFollow, NativeMethods.StatxBasicStats, buffer) != 0)
            {
                return false;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }

        // struct statx is the same on every Linux architecture: stx_uid at byte 20, stx_mode at byte 28.
        uid = BitConverter.ToUInt32(buffer, 20);
        mode = BitConverter.ToUInt16(buffer, 28);
        return true;
    }

    private static class NativeMethods
    {
        public const int AtFdCwd = -100;
        public const int AtSymlinkNoFollow = 0x100;
        public const uint StatxBasicStats = 0x7ff;

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern uint geteuid();
    }
}
