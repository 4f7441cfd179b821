using System.Collections.Concurrent;

namespace XAnalytics.Pipeline;

/// <summary>
/// Live counters of a run, safe to read from any thread while it goes on (for progress) and final once it ends.
/// Every line read ends up counted exactly once: as written, filtered or rejected.
/// </summary>
/// <remarks>Blocks add per batch, not per event, so the interlocked traffic stays far below the event rate.</remarks>
public sealed class RunCounters
{
    private readonly ConcurrentDictionary<string, long> _rejectedByReason = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StageCounters> _stages = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<BadFile> _badFiles = new();
    private long _filesDone;
    private long _compressedBytes;
    private long _bytes;
    private long _linesRead;
    private long _blankLines;
    private long _events;
    private long _filtered;
    private long _written;
    private long _rejected;

    internal RunCounters(int files, long totalBytes)
    {
        Files = files;
        TotalBytes = totalBytes;
    }

    /// <summary>Files planned for the run.</summary>
    public int Files { get; }

    /// <summary>Bytes of all planned files as stored on disk.</summary>
    public long TotalBytes { get; }

    /// <summary>Files finished (read to the end, or given up as bad).</summary>
    public long FilesDone => Interlocked.Read(ref _filesDone);

    /// <summary>Bytes read from disk so far (compressed, for gzip files).</summary>
    public long StoredBytesRead => Interlocked.Read(ref _compressedBytes);

    /// <summary>Bytes of text read so far (after decompression), newlines included.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Non-blank lines read. Equals <see cref="Written"/> + <see cref="Filtered"/> + <see cref="Rejected"/> at the end of a clean run.</summary>
    public long LinesRead => Interlocked.Read(ref _linesRead);

    /// <summary>Blank lines skipped (not counted in <see cref="LinesRead"/>).</summary>
    public long BlankLines => Interlocked.Read(ref _blankLines);

    /// <summary>Lines that parsed as events.</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Events a stage chose to leave out (filters).</summary>
    public long Filtered => Interlocked.Read(ref _filtered);

    /// <summary>Events that reached the sink.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Lines or events rejected, for any reason.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Rejections by reason (<see cref="RejectReasons"/>).</summary>
    public IReadOnlyDictionary<string, long> RejectedByReason => new SortedDictionary<string, long>(_rejectedByReason, StringComparer.Ordinal);

    /// <summary>Files that could not be read completely, with the reason and the lines read before the fault.</summary>
    public IReadOnlyList<BadFile> BadFiles => [.. _badFiles.OrderBy(static f => f.File.Index)];

    /// <summary>Per-stage counters, by stage name.</summary>
    public IReadOnlyDictionary<string, StageCounters> Stages => _stages;

    /// <summary>True when every line read is accounted for: <c>read = written + filtered + rejected</c>.</summary>
    public bool IsBalanced => LinesRead == Written + Filtered + Rejected;

    /// <summary>Counters of a stage, created on first use.</summary>
    public StageCounters ForStage(string name) => _stages.GetOrAdd(name, static n => new StageCounters(n));

    internal void AddStoredBytes(int count) => Interlocked.Add(ref _compressedBytes, count);

    internal void AddRead(long lines, long blank, long bytes)
    {
        Interlocked.Add(ref _linesRead, lines);
        Interlocked.Add(ref _blankLines, blank);
        Interlocked.Add(ref _bytes, bytes);
    }

    internal void AddEvents(long count) => Interlocked.Add(ref _events, count);

    /// <summary>Counts events a stage left out on purpose (a filter). Stages call it once per batch.</summary>
    public void AddFiltered(long count) => Interlocked.Add(ref _filtered, count);

    /// <summary>Counts events a sink took (wrote, folded into an aggregate). Sinks call it once per batch.</summary>
    public void AddWritten(long count) => Interlocked.Add(ref _written, count);

    internal void AddRejected(string reason, long count)
    {
        Interlocked.Add(ref _rejected, count);
        _rejectedByReason.AddOrUpdate(reason, count, (_, old) => old + count);
    }

    internal void FileDone() => Interlocked.Increment(ref _filesDone);

    internal void AddBadFile(BadFile file) => _badFiles.Enqueue(file);
}
