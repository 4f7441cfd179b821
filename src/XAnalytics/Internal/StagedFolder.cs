using System.Globalization;
using System.Runtime.InteropServices;

namespace XAnalytics.Internal;

/// <summary>
/// An output folder written whole into a hidden staging folder beside it and published with one rename, so a reader
/// sees the old folder or the new one, never a part of either.
/// </summary>
/// <remarks>
/// <para>The staging folder is <c>.NAME.staging-HOST-PID</c> in the target's parent (the same file system, so the
/// rename is a rename). Publishing a target that does not exist yet is one <c>rename</c>; replacing one that exists
/// (empty, or with <c>replace</c>) swaps the two folders with Linux's <c>renameat2(RENAME_EXCHANGE)</c>, atomic,
/// then deletes the old one. Where that call is missing or the file system refuses it (other systems, some network
/// file systems) the fallback moves the old folder aside, moves the new one in and deletes the old: not atomic, but
/// in the gap the target is missing, never partial.</para>
/// <para>A run that is killed leaves its hidden staging folder; the next staging in the same parent deletes those
/// of this host whose process is gone and that belong to this user. Staging folders still alive when the process
/// exits (<see cref="DiscardAll"/>, also run at process exit) are deleted.</para>
/// </remarks>
internal sealed class StagedFolder
{
    private const string Marker = ".staging-";
    private static readonly Lock s_liveLock = new();
    private static readonly HashSet<StagedFolder> s_live = [];
    private static bool s_exitHooked;
    private readonly Lock _lock = new();
    private bool _closed;

    private StagedFolder(string target, string path)
    {
        Target = target;
        Path = path;
    }

    /// <summary>The folder the output is published as.</summary>
    public string Target { get; }

    /// <summary>The hidden staging folder to write into.</summary>
    public string Path { get; }

    /// <summary>
    /// Checks the target and creates the staging folder beside it. An existing target must be empty, or with
    /// <paramref name="replace"/> hold only entries <paramref name="replaceable"/> accepts (by name, at its top level):
    /// a folder that holds anything else is never swapped away.
    /// </summary>
    /// <param name="target">The output folder.</param>
    /// <param name="replace">Replace an existing non-empty target.</param>
    /// <param name="replaceable">Whether an entry of an existing target may be deleted with it.</param>
    /// <param name="refusal">The message when the target is not empty and <paramref name="replace"/> is false.</param>
    /// <exception cref="IOException">The target is not empty and may not be replaced.</exception>
    public static StagedFolder Create(string target, bool replace, Func<FileSystemInfo, bool> replaceable, string refusal)
    {
        target = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(target));
        string parent = System.IO.Path.GetDirectoryName(target) ?? throw new IOException($"{target} has no parent folder to stage it in.");
        Directory.CreateDirectory(parent);
        if (File.Exists(target))
        {
            throw new IOException($"{target} is a file, not a folder.");
        }

        if (Directory.Exists(target))
        {
            FileSystemInfo[] entries = new DirectoryInfo(target).GetFileSystemInfos();
            if (entries.Length > 0 && !replace)
            {
                throw new IOException(refusal);
            }

            foreach (FileSystemInfo entry in entries)
            {
                if (!replaceable(entry))
                {
                    throw new IOException($"{target} holds {entry.Name}, which this output does not write; it is left alone. Choose another folder or move it away.");
                }
            }
        }

        SweepStale(parent);
        string path = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(target)}{Marker}{Host}-{Environment.ProcessId}");
        if (Directory.Exists(path))
        {
            // This process's own, from an earlier run in it that failed to clean up.
            Directory.Delete(path, recursive: true);
        }

        Directory.CreateDirectory(path);
        var staged = new StagedFolder(target, path);
        lock (s_liveLock)
        {
            s_live.Add(staged);
            if (!s_exitHooked)
            {
                s_exitHooked = true;
                AppDomain.CurrentDomain.ProcessExit += static (_, _) => DiscardAll();
            }
        }

        return staged;
    }

    /// <summary>Publishes the staged folder as the target (see the remarks), then deletes the old target.</summary>
    /// <param name="beforeRename">Runs under the folder's lock just before the rename; throws to stop the publication (a cancelled run).</param>
    public void Publish(Action? beforeRename = null)
    {
        string? old = null;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            beforeRename?.Invoke();
            if (!Directory.Exists(Target))
            {
                Directory.Move(Path, Target);
            }
            else if (Exchange(Path, Target))
            {
                old = Path;
            }
            else
            {
                old = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Target)!, $".{System.IO.Path.GetFileName(Target)}.old-{Host}-{Environment.ProcessId}");
                Directory.Move(Target, old);
                try
                {
                    Directory.Move(Path, Target);
                }
                catch
                {
                    Directory.Move(old, Target);
                    throw;
                }
            }

            _closed = true;
        }

        Forget();
        if (old is not null)
        {
            TryDelete(old);
        }
    }

    /// <summary>Deletes the staging folder of an output that will not be published. Safe to call more than once, from any thread.</summary>
    public void Discard()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            // Deleted under the lock, and forgotten only once deleted: a process ending meanwhile (a second signal)
            // finds the folder still live in DiscardAll and waits here for the deletion instead of exiting midway.
            TryDelete(Path);
        }

        Forget();
    }

    /// <summary>Discards every staging folder of this process not yet published: the last thing a process stopped by a signal does.</summary>
    public static void DiscardAll()
    {
        StagedFolder[] live;
        lock (s_liveLock)
        {
            live = [.. s_live];
        }

        foreach (StagedFolder staged in live)
        {
            // A discard under way on another thread holds the folder's lock until the folder is gone; a deletion stuck
            // on a hung file system does not hold the process's exit beyond a few seconds.
            if (staged._lock.TryEnter(TimeSpan.FromSeconds(5)))
            {
                try
                {
                    staged.Discard();
                }
                finally
                {
                    staged._lock.Exit();
                }
            }
        }
    }

    /// <summary>
    /// Deletes the staging folders in <paramref name="parent"/> that runs on this host left when they were killed:
    /// those whose process no longer runs and, where it can be told (Linux), that belong to this user.
    /// </summary>
    internal static int SweepStale(string parent)
    {
        int deleted = 0;
        string tail = $"{Marker}{Host}-";
        foreach (string dir in Directory.EnumerateDirectories(parent, "." + "*" + Marker + "*"))
        {
            string name = System.IO.Path.GetFileName(dir);
            int at = name.LastIndexOf(tail, StringComparison.Ordinal);
            if (at < 1
                || !int.TryParse(name.AsSpan(at + tail.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                || pid == Environment.ProcessId || IsRunning(pid) || !OwnedByUs(dir))
            {
                continue;
            }

            if (TryDelete(dir))
            {
                deleted++;
            }
        }

        return deleted;
    }

    private static string Host => Environment.MachineName.Replace('-', '_');

    private void Forget()
    {
        lock (s_liveLock)
        {
            s_live.Remove(this);
        }
    }

    private static bool TryDelete(string path)
    {
        // A writer that has not seen the cancellation yet may add a file while the folder is deleted: try again.
        for (int attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }

                return true;
            }
            catch (IOException)
            {
                Thread.Sleep(10 * (attempt + 1)); // let the writer see its cancellation
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }

        return false;
    }

    private static bool IsRunning(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            return Directory.Exists($"/proc/{pid}");
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool OwnedByUs(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        // struct statx is the same on every Linux architecture: stx_uid is the u32 at offset 20.
        byte[] buffer = new byte[256];
        try
        {
            return NativeMethods.statx(AtFdCwd, path, AtSymlinkNoFollow, StatxUid, buffer) == 0
                && BitConverter.ToUInt32(buffer, 20) == NativeMethods.geteuid();
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxUid = 0x8;
    private const uint RenameExchange = 2;

    /// <summary>Swaps two folders atomically where the system can; false where it cannot (the caller falls back).</summary>
    private static bool Exchange(string a, string b)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            if (NativeMethods.renameat2(AtFdCwd, a, AtFdCwd, b, RenameExchange) == 0)
            {
                return true;
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }

        int errno = Marshal.GetLastPInvokeError();
        const int ENOSYS = 38, EINVAL = 22, ENOTSUP = 95;
        if (errno is ENOSYS or EINVAL or ENOTSUP)
        {
            return false;
        }

        throw new IOException($"Could not replace {b} with {a}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int renameat2(int olddirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldpath, int newdirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string newpath, uint flags);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string pathname, int flags, uint mask, [Out] byte[] statxbuf);

        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern uint geteuid();
    }
}
