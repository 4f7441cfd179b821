using System.IO.Compression;

namespace XAnalytics.Sinks;

/// <summary>Options of the parts sinks (<see cref="JsonPartsSink"/>, <see cref="BsonPartsSink"/>).</summary>
public sealed record PartsSinkOptions
{
    /// <summary>The default of <see cref="MaxEventsPerPart"/>, and of the settings key <c>max-file-size</c>.</summary>
    public const int DefaultMaxEventsPerPart = 20000;

    /// <summary>The folder the parts and their manifest go to; created when missing. Required.</summary>
    public string OutputDirectory { get; init; } = string.Empty;

    /// <summary>Events per part at most. Default 20000 (the settings key <c>max-file-size</c>).</summary>
    public int MaxEventsPerPart { get; init; } = DefaultMaxEventsPerPart;

    /// <summary>
    /// More properties for <c>manifest.json</c> (what the parts are, such as a sort's key), written as strings after
    /// the standard ones. Default empty.
    /// </summary>
    public IReadOnlyDictionary<string, string> ManifestProperties { get; init; } = new Dictionary<string, string>();

    /// <summary>Gzip each part. Default null: gzip for JSON-lines parts, plain for BSON parts.</summary>
    public bool? Gzip { get; init; }

    /// <summary>Gzip level. Default <see cref="CompressionLevel.Fastest"/>: compression is the bottleneck of a conversion.</summary>
    public CompressionLevel CompressionLevel { get; init; } = CompressionLevel.Fastest;

    /// <summary>
    /// Parts compressed and written at once, while the next fills. Default: the run's threads, at most 4 (1 for
    /// plain parts, where writing is not CPU work). Each holds one part uncompressed, so memory is about
    /// (2 × writers + 2) × part size.
    /// </summary>
    public int? Writers { get; init; }

    /// <summary>
    /// Replace the parts and manifest already in the folder. Default false: a folder that already holds a
    /// manifest or parts is refused before anything is written.
    /// </summary>
    public bool Overwrite { get; init; }

    internal PartsSinkOptions Validated()
    {
        if (string.IsNullOrWhiteSpace(OutputDirectory))
        {
            throw new ArgumentException("No output folder given.", nameof(OutputDirectory));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEventsPerPart, 1, nameof(MaxEventsPerPart));
        if (Writers is { } w)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(w, 1, nameof(Writers));
        }

        return this with { OutputDirectory = Path.GetFullPath(OutputDirectory) };
    }

    /// <summary>
    /// The shard index of the task writing (<c>--shard i/N</c>): parts are then named <c>part-SSSS-NNNNN</c>, so the
    /// parts of a job's tasks can be gathered in one folder without two of the same name. Default null: <c>part-NNNNN</c>.
    /// </summary>
    public int? Shard { get; init; }
}
