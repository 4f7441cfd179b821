using System.Runtime.InteropServices;

namespace XAnalytics.Sources;

/// <summary>
/// What a path is on disk (device and inode, and its type), so that a tree walk reads each file once and follows
/// each directory once, whatever links lead to them: a tree with <c>up -&gt; ../</c> was read 41 times over.
/// </summary>
/// <remarks>
/// Linux's <c>statx</c>, whose buffer has the same layout on every architecture (unlike <c>struct stat</c>), called
/// through libc. Where it is missing (another OS, an old kernel, a sandbox that forbids it) <see cref="TryGet"/>
/// says so and the caller falls back on resolved paths.
/// </remarks>
/// <param name="Device">The device (major and minor) holding the file.</param>
/// <param name="Inode">The file's inode on that device.</param>
/// <param name="Type">The file type bits of its mode (<c>S_IFMT</c>).</param>
internal readonly record struct FileIdentity(ulong Device, ulong Inode, int Type)
{
    private const int TypeMask = 0xF000;
    private const int FifoType = 0x1000;
    private const int DirectoryType = 0x4000;
    private const int RegularType = 0x8000;
    private const int AtCurrentDirectory = -100;
    private const int StatxType = 0x1;
    private const int StatxIno = 0x100;

    private static bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>A regular file.</summary>
    public bool IsRegularFile => Type == RegularType;

    /// <summary>A directory.</summary>
    public bool IsDirectory => Type == DirectoryType;

    /// <summary>A named pipe (FIFO): reading it waits for a writer.</summary>
    public bool IsFifo => Type == FifoType;

    /// <summary>The identity of what <paramref name="path"/> names, links followed; false when it cannot be told (no statx, or the path is gone).</summary>
    public static bool TryGet(string path, out FileIdentity identity)
    {
        identity = default;
        if (s_unavailable)
        {
            return false;
        }

        try
        {
            if (Statx(AtCurrentDirectory, path, 0, StatxType | StatxIno, out StatxBuffer buffer) != 0)
            {
                // ENOSYS or EPERM: statx is not there for us; anything else is about this path.
                int errno = Marshal.GetLastPInvokeError();
                if (errno is 38 or 1)
                {
                    s_unavailable = true;
                }

                return false;
            }

            identity = new FileIdentity(((ulong)buffer.DevMajor << 32) | buffer.DevMinor, buffer.Ino, buffer.Mode & TypeMask);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code, which this assembly does not allow
    private static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, out StatxBuffer buffer);
#pragma warning restore SYSLIB1054

    /// <summary>The fields of <c>struct statx</c> read here, at their fixed offsets (256 bytes in all).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)]
        public ushort Mode;

        [FieldOffset(32)]
        public ulong Ino;

        [FieldOffset(136)]
        public uint DevMajor;

        [FieldOffset(140)]
        public uint DevMinor;
    }
}
