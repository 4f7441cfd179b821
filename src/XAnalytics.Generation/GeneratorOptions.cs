namespace XAnalytics.Generation;

/// <summary>
/// What <see cref="ArchiveGenerator"/> writes. Every property has a default, so
/// <c>new GeneratorOptions { OutputDirectory = "out" }</c> is a complete request.
/// The same options (including <see cref="Seed"/>) always produce byte-identical files on
/// the same runtime.
/// </summary>
public sealed record GeneratorOptions
{
    /// <summary>Directory that receives one folder per server. Required; created if missing.</summary>
    public string OutputDirectory { get; init; } = "";

    /// <summary>Total lines written over all files, bad lines included. Default 200,000.</summary>
    public long Events { get; init; } = 200_000;

    /// <summary>Total number of <c>.gz</c> files, spread over servers and days. Default 8.</summary>
    public int Files { get; init; } = 8;

    /// <summary>
    /// Number of server folders (<c>prod-edxapp-001</c>, ...). Default <see langword="null"/>:
    /// <c>min(Files, 4)</c>. Must not exceed <see cref="Files"/>.
    /// </summary>
    public int? Servers { get; init; }

    /// <summary>Number of courses; they alternate between <c>course-v1:Org+Num+Run</c> and <c>Org/Num/Run</c> ids. Default 5.</summary>
    public int Courses { get; init; } = 5;

    /// <summary>Number of distinct learners; their activity follows a Zipf law. Default 2,000.</summary>
    public int Learners { get; init; } = 2_000;

    /// <summary>First day covered (UTC midnight). Default 2015-03-01.</summary>
    public DateOnly Start { get; init; } = new(2015, 3, 1);

    /// <summary>Number of days covered. Default 28.</summary>
    public int Days { get; init; } = 28;

    /// <summary>Master seed; each file derives its own seed from it. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>
    /// Share of lines that are bad: truncated events (cut at 2043, 10000 or 32000 bytes like
    /// edX's log pipeline did, or at a random point), non-JSON lines and blank lines. Default 0.001.
    /// </summary>
    public double BadRate { get; init; } = 0.001;

    /// <summary>
    /// zlib compression level, 1 (fastest) to 9 (smallest). Default 1: measured on 300,000 events
    /// (one core), level 1 gives 8.5:1 at 235k events/s and level 6 gives 15.6:1 at 182k events/s.
    /// Real edX archives compress about 9:1; the synthetic text is more regular than real text,
    /// so level 1 is the one that yields archives of realistic size.
    /// </summary>
    public int CompressionLevel { get; init; } = 1;

    /// <summary>Files generated at the same time. Default <see langword="null"/>: <see cref="Environment.ProcessorCount"/>.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>
    /// How varied <c>event_type</c> is: <see cref="ArchiveShape.Synthetic"/> (default, about 600 values) or
    /// <see cref="ArchiveShape.RealLog"/> (a URL of its own for most page events, as in real logs). The default
    /// shape's archives are byte-identical to those of earlier versions.
    /// </summary>
    public ArchiveShape Shape { get; init; } = ArchiveShape.Synthetic;

    /// <summary>Host name written in the events' <c>host</c> field. Default <c>courses.example.edu</c>.</summary>
    public string Host { get; init; } = "courses.example.edu";

    internal GeneratorOptions Validated()
    {
        if (string.IsNullOrWhiteSpace(OutputDirectory))
        {
            throw new ArgumentException("OutputDirectory is required.", nameof(OutputDirectory));
        }

        Check(Events >= 0, nameof(Events), "must be >= 0");
        Check(Files is >= 1 and <= 100_000, nameof(Files), "must be between 1 and 100000");
        Check(Servers is null || (Servers >= 1 && Servers <= Files), nameof(Servers), "must be between 1 and Files");
        Check(Courses is >= 1 and <= 10_000, nameof(Courses), "must be between 1 and 10000");
        Check(Learners is >= 1 and <= 10_000_000, nameof(Learners), "must be between 1 and 10000000");
        Check(Days is >= 1 and <= 3650, nameof(Days), "must be between 1 and 3650");
        Check(BadRate is >= 0 and <= 1, nameof(BadRate), "must be between 0 and 1");
        Check(CompressionLevel is >= 1 and <= 9, nameof(CompressionLevel), "must be between 1 and 9");
        Check(MaxDegreeOfParallelism is null or >= 1, nameof(MaxDegreeOfParallelism), "must be >= 1");
        Check(!string.IsNullOrEmpty(Host), nameof(Host), "must not be empty");
        Check(Enum.IsDefined(Shape), nameof(Shape), "must be Synthetic or RealLog");
        int servers = Servers ?? Math.Min(Files, 4);
        Check(Files <= (long)servers * Days * 24, nameof(Files), "must leave each file at least an hour (Files <= Servers * Days * 24)");
        return this with
        {
            OutputDirectory = Path.GetFullPath(OutputDirectory),
            Servers = servers,
            MaxDegreeOfParallelism = MaxDegreeOfParallelism ?? Environment.ProcessorCount,
        };
    }

    private static void Check(bool ok, string name, string message)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, $"{name} {message}.");
        }
    }
}
