using System.Buffers;
using System.Text;
using XAnalytics.Events;

namespace XAnalytics.Pipeline;

/// <summary>
/// Where rejected lines go: counted always, and written to a TSV file when the run names one
/// (<c>file, line, reason, detail, raw</c>, the raw line cut at <see cref="MaxRawBytes"/> and escaped).
/// </summary>
/// <remarks>
/// The file is written atomically: to a temporary name beside it, renamed on <see cref="Commit"/>, deleted on
/// <see cref="Abort"/>. Rejected lines hold learners' data, so the file is created readable by its owner only.
/// Thread-safe: stages reject from many threads; writes are serialised by a lock, which is cheap because
/// rejects are rare next to events.
/// </remarks>
public sealed class RejectLog
{
    /// <summary>Bytes of a rejected line kept in the file.</summary>
    public const int MaxRawBytes = 4096;

    private static readonly byte[] s_header = "file\tline\treason\tdetail\traw\n"u8.ToArray();
    private readonly Lock _lock = new();
    private readonly string? _path;
    private readonly string? _tempPath;
    private readonly RunCounters _counters;
    private FileStream? _file;
    private bool _finished;

    private readonly bool _writeWhenEmpty;

    internal RejectLog(string? path, RunCounters counters, bool writeWhenEmpty = true)
    {
        _counters = counters;
        _writeWhenEmpty = writeWhenEmpty;
        if (path is not null)
        {
            _path = System.IO.Path.GetFullPath(path);
            _tempPath = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(_path)!, $".{System.IO.Path.GetFileName(_path)}.{Environment.ProcessId}.tmp");
        }
    }

    /// <summary>The rejects file, or null when rejects are only counted (or none were written).</summary>
    public string? Path => _written || !_finished ? _path : null;

    private bool _written;

    /// <summary>Counts a rejected line and writes it to the file, if there is one.</summary>
    /// <param name="file">The file it came from.</param>
    /// <param name="line">Its 1-based line number.</param>
    /// <param name="reason">One of <see cref="RejectReasons"/> or a stage's own.</param>
    /// <param name="detail">A short explanation (no learner data), or empty.</param>
    /// <param name="raw">The line's bytes.</param>
    public void Add(SourceFile file, long line, string reason, string detail, ReadOnlySpan<byte> raw)
    {
        ArgumentNullException.ThrowIfNull(file);
        _counters.AddRejected(reason, 1);
        if (_path is null)
        {
            return;
        }

        // Worst case: every byte escaped to four (\xNN), the path to two.
        int size = (Math.Min(raw.Length, MaxRawBytes) * 4) + (Encoding.UTF8.GetMaxByteCount(file.Path.Length) * 2) + 2048;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            int n = Format(buffer, file.Path, line, reason, detail, raw);
            lock (_lock)
            {
                if (_finished)
                {
                    return;
                }

                _file ??= Open();
                _file.Write(buffer, 0, n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Counts <paramref name="count"/> rejects without writing them (used where lines are not kept).</summary>
    internal void Count(string reason, long count) => _counters.AddRejected(reason, count);

    /// <summary>
    /// Moves the finished file into place; when nothing was rejected, writes a header-only file or (if so
    /// configured) nothing.
    /// </summary>
    public void Commit()
    {
        lock (_lock)
        {
            if (_path is null || _finished)
            {
                return;
            }

            _finished = true;
            if (_file is null && !_writeWhenEmpty)
            {
                return;
            }

            _file ??= Open();
            _file.Flush(flushToDisk: true);
            _file.Dispose();
            _file = null;
            File.Move(_tempPath!, _path, overwrite: true);
            _written = true;
        }
    }

    /// <summary>Deletes the temporary file: a failed run leaves no half-written rejects file.</summary>
    public void Abort()
    {
        lock (_lock)
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            if (_file is null)
            {
                // Nothing was written, so there is nothing to delete; its directory may not even exist, and a
                // failed delete here would hide the run's own fault.
                return;
            }

            _file.Dispose();
            _file = null;
            File.Delete(_tempPath!);
        }
    }

    /// <summary>
    /// Tidies a folder of rejects files at a run's start: deletes the temporaries (<c>.NAME.PID.tmp</c>) of runs that
    /// were killed or ran out of disk, once older than <paramref name="staleAfter"/> and their process is gone, and
    /// the oldest rejects files (<c>*.tsv</c>) beyond the newest <paramref name="keep"/> - 1, so that with this run's
    /// own at most <paramref name="keep"/> remain. Returns the files deleted. A file it cannot delete is left.
    /// </summary>
    internal static int Sweep(string directory, int keep, TimeSpan staleAfter)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keep);
        var folder = new DirectoryInfo(directory);
        if (!folder.Exists)
        {
            return 0;
        }

        int deleted = 0;
        DateTime staleBefore = DateTime.UtcNow - staleAfter;
        foreach (FileInfo temp in folder.EnumerateFiles(".*.tmp"))
        {
            string[] parts = temp.Name.Split('.');
            if (parts.Length >= 4 && int.TryParse(parts[^2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid)
                && temp.LastWriteTimeUtc < staleBefore && !IsRunning(pid))
            {
                deleted += TryDelete(temp) ? 1 : 0;
            }
        }

        FileInfo[] kept = [.. folder.EnumerateFiles("*.tsv").Where(f => f.LinkTarget is null).OrderByDescending(f => f.LastWriteTimeUtc).ThenByDescending(f => f.Name, StringComparer.Ordinal)];
        for (int i = keep - 1; i < kept.Length; i++)
        {
            deleted += TryDelete(kept[i]) ? 1 : 0;
        }

        return deleted;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static bool TryDelete(FileInfo file)
    {
        try
        {
            file.Delete();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private FileStream Open()
    {
        // CreateNew (O_EXCL): never opens what is already there, a planted link included. A leftover of this
        // very process id (a killed run long ago) is removed and the creation tried once more.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 64 * 1024 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_tempPath!)!);
        FileStream file;
        try
        {
            file = new FileStream(_tempPath!, options);
        }
        catch (IOException) when (File.Exists(_tempPath!) || new FileInfo(_tempPath!).LinkTarget is not null)
        {
            File.Delete(_tempPath!);
            file = new FileStream(_tempPath!, options);
        }

        file.Write(s_header);
        return file;
    }

    private static int Format(Span<byte> destination, string path, long line, string reason, string detail, ReadOnlySpan<byte> raw)
    {
        int at = 0;
        at += Escape(Encoding.UTF8.GetBytes(path), destination[at..]);
        destination[at++] = (byte)'\t';
        line.TryFormat(destination[at..], out int written, provider: System.Globalization.CultureInfo.InvariantCulture);
        at += written;
        destination[at++] = (byte)'\t';
        at += Encoding.UTF8.GetBytes(reason, destination[at..]);
        destination[at++] = (byte)'\t';
        at += Escape(Encoding.UTF8.GetBytes(detail.Length > 200 ? detail[..200] : detail), destination[at..]);
        destination[at++] = (byte)'\t';
        at += Escape(raw.Length > MaxRawBytes ? raw[..MaxRawBytes] : raw, destination[at..]);
        destination[at++] = (byte)'\n';
        return at;
    }

    /// <summary>
    /// Escapes tab, newline, carriage return and backslash (<c>\t \n \r \\</c>), and writes the other control
    /// characters (U+0000-U+001F, U+007F, U+0080-U+009F) and invalid UTF-8 as <c>\xNN</c> per byte: a NUL or an
    /// escape sequence in a rejected line must not make the TSV unreadable or drive a terminal that shows it.
    /// </summary>
    private static int Escape(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        int at = 0;
        while (!text.IsEmpty)
        {
            OperationStatus status = System.Text.Rune.DecodeFromUtf8(text, out System.Text.Rune rune, out int consumed);
            if (status != OperationStatus.Done)
            {
                at += WriteHex(text[0], destination[at..]);
                text = text[1..];
                continue;
            }

            switch (rune.Value)
            {
                case '\t': destination[at++] = (byte)'\\'; destination[at++] = (byte)'t'; break;
                case '\n': destination[at++] = (byte)'\\'; destination[at++] = (byte)'n'; break;
                case '\r': destination[at++] = (byte)'\\'; destination[at++] = (byte)'r'; break;
                case '\\': destination[at++] = (byte)'\\'; destination[at++] = (byte)'\\'; break;
                case < 0x20 or 0x7F or (>= 0x80 and <= 0x9F):
                    for (int i = 0; i < consumed; i++)
                    {
                        at += WriteHex(text[i], destination[at..]);
                    }

                    break;
                default:
                    text[..consumed].CopyTo(destination[at..]);
                    at += consumed;
                    break;
            }

            text = text[consumed..];
        }

        return at;
    }

    private static int WriteHex(byte value, Span<byte> destination)
    {
        destination[0] = (byte)'\\';
        destination[1] = (byte)'x';
        destination[2] = (byte)"0123456789abcdef"[value >> 4];
        destination[3] = (byte)"0123456789abcdef"[value & 0xf];
        return 4;
    }
}
