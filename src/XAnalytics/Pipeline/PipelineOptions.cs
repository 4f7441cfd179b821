namespace XAnalytics.Pipeline;

/// <summary>Options of a run. Validated once, when the run starts.</summary>
public sealed record PipelineOptions
{
    /// <summary>Files and directory trees to read, and how to pick files in them. Required.</summary>
    public FileSourceOptions Source { get; init; } = new();

    /// <summary>How lines become events: repairing truncated lines, a raw-text prefilter. Default: neither.</summary>
    public ParseOptions Parse { get; init; } = new();

    /// <summary>Threads for parsing, stages and aggregation. Default: <see cref="Environment.ProcessorCount"/>.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Files read (decompressed and framed) at once. Default: <see cref="Threads"/>.</summary>
    public int? Readers { get; init; }

    /// <summary>
    /// Batches each block may hold before it pushes back on the one before it. Default: 2 per thread, which
    /// with 256 KiB batches bounds the data in flight to about a MiB per core whatever the archive's size.
    /// </summary>
    public int? BoundedCapacity { get; init; }

    /// <summary>Longest line accepted, in bytes; longer ones are rejected as too-long without being held. Default 16 MiB.</summary>
    public int MaxLineBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Bytes of lines a batch collects before it is sent on. Default 256 KiB.</summary>
    public int BatchBytes { get; init; } = Events.EventBatch.DefaultDataBytes;

    /// <summary>Events a batch holds at most. Default 4096.</summary>
    public int BatchEvents { get; init; } = Events.EventBatch.DefaultMaxEvents;

    /// <summary>
    /// Stop the run at the first file that cannot be read to its end. Default false: report it and go on. A strict
    /// run hands the files on in input order (reading ahead as usual), so the file it names is the first bad one in
    /// that order on any number of threads.
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>Where rejected lines are written (TSV), or null to only count them. Default null.</summary>
    public string? RejectsPath { get; init; }

    /// <summary>
    /// Write the rejects file (header only) even when nothing was rejected. Default true: a named file always
    /// exists after a successful run. Tools that pick a default path themselves set it false to avoid clutter.
    /// </summary>
    public bool WriteEmptyRejectsFile { get; init; } = true;

    internal PipelineOptions Validated()
    {
        ArgumentNullException.ThrowIfNull(Source);
        ArgumentNullException.ThrowIfNull(Parse);
        ArgumentOutOfRangeException.ThrowIfLessThan(Threads, 1, nameof(Threads));
        if (Readers is { } r)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(r, 1, nameof(Readers));
        }

        if (BoundedCapacity is { } b)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(b, 1, nameof(BoundedCapacity));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLineBytes, 16, nameof(MaxLineBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchBytes, 1024, nameof(BatchBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchEvents, 1, nameof(BatchEvents));
        return this with { Readers = Readers ?? Threads, BoundedCapacity = BoundedCapacity ?? Threads * 2 };
    }
}
