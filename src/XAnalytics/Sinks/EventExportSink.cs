using System.IO.Compression;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Internal;
using XAnalytics.Pipeline;

namespace XAnalytics.Sinks;

/// <summary>
/// edX's research event export (<c>edx/analytics/tasks/export/event_exports.py</c>, <c>EventExportTask</c>, and
/// <c>event_exports_by_course.py</c>, <c>EventExportByCourseTask</c>): each event's line, unchanged (white space around
/// it stripped, as edX's <c>line.strip()</c>), into a gzip file per day and organization or course, named as edX names
/// them; events it does not export are counted as filtered.
/// </summary>
/// <remarks>
/// <para>Lines keep input order within a file (the sink takes batches in input order, on one thread: the parsing
/// before it is what runs on every core). Memory stays flat however many files: at most
/// <see cref="EventExportOptions.MaxOpenFiles"/> are open, the least recently written closed beyond that and appended
/// to as a new gzip member when met again (a multi-member gzip file, which gzip, zcat and Python read whole).</para>
/// <para>The folder is written into a hidden staging folder beside <see cref="EventExportOptions.OutputDirectory"/>
/// and published by one rename when the run succeeds: a reader sees every file or none.</para>
/// <para>edX encrypts organization exports with GPG for each organization's recipients; this writes them as plain
/// gzip.</para>
/// </remarks>
public sealed class EventExportSink : IEventSink
{
    private readonly EventExportOptions _options;
    private readonly HashSet<string> _organizations;
    private readonly HashSet<string> _courses;
    private readonly Dictionary<string, OpenFile> _files = new(StringComparer.Ordinal);
    private readonly LinkedList<OpenFile> _open = new();
    private readonly EventExportKeys _keys = new();
    private readonly char[] _path = new char[1024];
    private StagedFolder? _staged;
    private long _exported;

    /// <summary>Checks the options; nothing is created before the run.</summary>
    /// <exception cref="ArgumentException">No output folder, an environment that is not a file name, or fewer than one open file.</exception>
    public EventExportSink(EventExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.OutputDirectory);
        if (string.IsNullOrEmpty(options.Environment) || options.Environment.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0
            || options.Environment is "." or "..")
        {
            throw new ArgumentException($"The environment '{options.Environment}' cannot be part of a file name.", nameof(options));
        }

        if (options.MaxOpenFiles < 1)
        {
            throw new ArgumentException("At least one file must be allowed open.", nameof(options));
        }

        _options = options with { Organizations = [.. options.Organizations], Courses = [.. options.Courses] };
        _organizations = new HashSet<string>(_options.Organizations, StringComparer.Ordinal);
        _courses = new HashSet<string>(_options.Courses, StringComparer.Ordinal);
    }

    /// <summary>The files written, relative to the output folder, once the run has completed.</summary>
    public IReadOnlyList<string> Files { get; private set; } = [];

    /// <summary>Events written to a file.</summary>
    public long Exported => Interlocked.Read(ref _exported);

    /// <inheritdoc/>
    public bool RequiresInputOrder => true;

    /// <inheritdoc/>
    public ITargetBlock<EventBatch> CreateBlock(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _staged = StagedFolder.Create(_options.OutputDirectory, replace: false, static _ => false,
            $"{_options.OutputDirectory} is not empty: export-events writes a new folder.");
        return new ActionBlock<EventBatch>(
            batch =>
            {
                using (batch)
                {
                    long written = Write(batch);
                    context.Counters.AddWritten(written);
                    context.Counters.AddFiltered(batch.Count - written);
                    Interlocked.Add(ref _exported, written);
                }
            },
            new ExecutionDataflowBlockOptions { BoundedCapacity = context.BoundedCapacity, CancellationToken = context.CancellationToken });
    }

    /// <inheritdoc/>
    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        foreach (OpenFile file in _open)
        {
            file.Close();
        }

        _open.Clear();
        var files = new List<string>(_files.Keys);
        files.Sort(StringComparer.Ordinal);
        Files = files;
        (_staged ?? throw new InvalidOperationException("The sink's block was never created.")).Publish(cancellationToken.ThrowIfCancellationRequested);
        return Task.CompletedTask;
    }

    private long Write(EventBatch batch)
    {
        long written = 0;
        Dictionary<string, OpenFile>.AlternateLookup<ReadOnlySpan<char>> lookup = _files.GetAlternateLookup<ReadOnlySpan<char>>();
        for (int i = 0; i < batch.Count; i++)
        {
            if (!EventExportKeys.TryDate(batch, i, out DateOnly date)
                || (_options.From is { } from && date < from) || (_options.To is { } to && date > to)
                || RelativePath(batch, i, date) is not { IsEmpty: false } path)
            {
                continue;
            }

            if (!lookup.TryGetValue(path, out OpenFile? file))
            {
                string relative = path.ToString();
                file = new OpenFile(relative);
                _files[relative] = file;
            }

            Stream stream = Open(file);
            stream.Write(batch.GetUtf8(i).Trim(" \t\r\n\f\v"u8));
            stream.WriteByte((byte)'\n');
            written++;
        }

        return written;
    }

    /// <summary>The file an event goes to (relative, with the platform's separators), or empty when edX's mapper drops it.</summary>
    private ReadOnlySpan<char> RelativePath(EventBatch batch, int i, DateOnly date)
    {
        Span<char> at = _path;
        Span<char> day = stackalloc char[10];
        date.TryFormat(day, out _, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        int length;
        if (_options.By == EventExportGrouping.Course)
        {
            if (!_keys.TryCourse(batch, i, out ReadOnlySpan<char> course) || (_courses.Count > 0 && !_courses.GetAlternateLookup<ReadOnlySpan<char>>().Contains(course))
                || course.Length > 200)
            {
                return default;
            }

            Span<char> safe = stackalloc char[course.Length];
            EventExportKeys.FilenameSafe(course, safe, out int n);
            safe = safe[..n];
            length = Put(at, 0, safe);
            length = Put(at, length, [Path.DirectorySeparatorChar]);
            length = Put(at, length, "events");
            length = Put(at, length, [Path.DirectorySeparatorChar]);
            length = Put(at, length, safe);
            length = Put(at, length, "-events-");
            length = Put(at, length, day);
            length = Put(at, length, ".log.gz");
            return at[..length];
        }

        // Studio's and workers' events are never exported; an organization must be one asked for (edX's configured
        // whitelist), or without a list any that names a folder.
        if (EventExportKeys.IsStudioOrWorker(batch, i) || !_keys.TryOrg(batch, i, out ReadOnlySpan<char> org) || org.Length > 200
            || (_organizations.Count > 0 ? !_organizations.GetAlternateLookup<ReadOnlySpan<char>>().Contains(org)
                : org.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || org is "." or ".."))
        {
            return default;
        }

        Span<char> lower = stackalloc char[org.Length];
        org.ToLowerInvariant(lower);
        if (_keys.IsNotForExport(batch, i))
        {
            return default;
        }

        ReadOnlySpan<char> separator = [Path.DirectorySeparatorChar];
        length = Put(at, 0, lower);
        length = Put(at, length, separator);
        length = Put(at, length, _options.Environment);
        length = Put(at, length, separator);
        length = Put(at, length, "events");
        length = Put(at, length, separator);
        length = Put(at, length, day[..4]);
        length = Put(at, length, separator);
        length = Put(at, length, lower);
        length = Put(at, length, "-");
        length = Put(at, length, _options.Environment);
        length = Put(at, length, "-events-");
        length = Put(at, length, day);
        length = Put(at, length, ".log.gz");
        return at[..length];
    }

    private static int Put(Span<char> into, int at, ReadOnlySpan<char> text)
    {
        text.CopyTo(into[at..]);
        return at + text.Length;
    }

    /// <summary>The file's stream, opened (or reopened to append) and made the most recently used; the least recently used closed beyond the limit.</summary>
    private Stream Open(OpenFile file)
    {
        if (file.Stream is not null)
        {
            if (_open.First != file.Node)
            {
                _open.Remove(file.Node);
                _open.AddFirst(file.Node);
            }

            return file.Stream;
        }

        if (_open.Count >= _options.MaxOpenFiles)
        {
            OpenFile oldest = _open.Last!.Value;
            _open.RemoveLast();
            oldest.Close();
        }

        string full = Path.Combine(_staged!.Path, file.Relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        file.Open(full);
        _open.AddFirst(file.Node);
        return file.Stream!;
    }

    /// <summary>One output file: its gzip stream while open (each opening appends one gzip member).</summary>
    private sealed class OpenFile
    {
        public OpenFile(string relative)
        {
            Relative = relative;
            Node = new LinkedListNode<OpenFile>(this);
        }

        public string Relative { get; }

        public LinkedListNode<OpenFile> Node { get; }

        public Stream? Stream { get; private set; }

        public void Open(string path)
        {
            var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
            Stream = new GZipStream(file, CompressionLevel.Fastest, leaveOpen: false);
        }

        public void Close()
        {
            Stream?.Dispose();
            Stream = null;
        }
    }
}
