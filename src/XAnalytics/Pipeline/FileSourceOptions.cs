namespace XAnalytics.Pipeline;

/// <summary>Options for finding the input files of a run.</summary>
public sealed record FileSourceOptions
{
    /// <summary>
    /// Files and directory trees to read, and <c>-</c> for standard input. Directories are recursed, links
    /// followed, but each file is read once and each directory walked once. Required, at least one.
    /// </summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>Read only files whose names end in <c>.gz</c> (others are skipped and counted). Default false.</summary>
    public bool OnlyGzip { get; init; }

    /// <summary>
    /// Skip files and directories whose names start with a dot (editor, rsync and our own temporary files).
    /// Default true.
    /// </summary>
    public bool SkipHidden { get; init; } = true;

    /// <summary>
    /// Skip files named <c>manifest.json</c> found in directories: the manifests our parts sinks write beside
    /// their parts, so an output folder reads back as just its events. Default true.
    /// </summary>
    public bool SkipManifests { get; init; } = true;

    /// <summary>
    /// Fail the plan when the inputs hold no file to read (an empty folder, or every file skipped), instead of a
    /// run over nothing that looks like a clean one. Default false; the command line sets it.
    /// </summary>
    public bool RequireFiles { get; init; }

    /// <summary>
    /// Paths never read, though inside an input tree: a command's own output folder and rejects file. Default none.
    /// </summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>How <c>-</c> is read. Default null: the process's standard input.</summary>
    public Func<Stream>? StandardInput { get; init; }

    /// <summary>
    /// Stores that read inputs other than local paths (an S3 store for <c>s3://bucket/prefix</c>): an input one of
    /// them handles is listed and read through it, in the same sorted order and with the same gzip checks as files.
    /// Default none: every input is a local path.
    /// </summary>
    public IReadOnlyList<IInputStore> Stores { get; init; } = [];

    /// <summary>What the files hold. Default <see cref="InputFormat.Auto"/>: decided by each file's name.</summary>
    public InputFormat Format { get; init; } = InputFormat.Auto;

    /// <summary>
    /// The share of the files this run reads (<c>--shard i/N</c>). Without <see cref="Plan"/>, file <c>k</c> of the
    /// sorted list is shard <c>k mod N</c>'s; with it, the plan says. Each file keeps its index in the whole list, so
    /// what depends on input order comes out as in one run over everything. Default null: every file.
    /// </summary>
    public ShardSelection? Shard { get; init; }

    /// <summary>
    /// A fixed split of the files (<c>xanalytics plan</c>): <see cref="Inputs"/> must be the plan's inputs, every
    /// planned file must still be there with its planned size, and files that arrived since are left out (with a
    /// note). <see cref="Shard"/> is then required, with the plan's shard count. Default null.
    /// </summary>
    public ShardPlan? Plan { get; init; }
}
