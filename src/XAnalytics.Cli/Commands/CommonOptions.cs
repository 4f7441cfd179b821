using System.CommandLine;
using XAnalytics.Pipeline;
using XAnalytics.S3;
using XAnalytics.Settings;

namespace XAnalytics.Cli.Commands;

/// <summary>Options every command that reads an archive shares, and how they become library options.</summary>
internal sealed class CommonOptions
{
    public Option<int?> Threads { get; } = new("--threads", "-j")
    {
        Description = "Threads for decompression, parsing and aggregation (default: settings 'threads', else all cores).",
    };

    public Option<bool> OnlyGz { get; } = new("--only-gz")
    {
        Description = "Read only files whose names end in .gz; skip the rest.",
    };

    public Option<bool> Strict { get; } = new("--strict")
    {
        Description = "Stop at the first file that cannot be read to its end (default: report it and go on).",
    };

    public Option<FileInfo?> Rejects { get; } = new("--rejects")
    {
        Description = "Write rejected lines (file, line, reason, raw line) to this TSV file. "
            + "Default: a private file under scratch-dir (or the temp folder), kept only when something was rejected.",
    };

    public Option<int?> MaxLineLength { get; } = new("--max-line-length")
    {
        Description = "Reject lines longer than this many bytes without holding them (default: settings 'max-line-length', 16 MiB).",
    };

    public Option<InputFormat> InFormat { get; } = new("--informat")
    {
        Description = "What the input files hold: json (JSON lines) or bson (length-prefixed BSON documents), gzip or not. "
            + "Default: by name (.bson and .bson.gz are BSON, the rest JSON lines).",
        DefaultValueFactory = _ => InputFormat.Auto,
    };

    public Option<bool> NoProgress { get; } = new("--no-progress")
    {
        Description = "Do not show the live progress line (it is only shown when stderr is a terminal).",
    };

    public Option<string?> Shard { get; } = new("--shard")
    {
        Description = "Read only shard i of N (i from 0, e.g. 2/8): with --plan, the plan's files for that shard; without, "
            + "every N-th file of the sorted input list from the i-th. For job arrays: $SLURM_ARRAY_TASK_ID/N, $JOB_COMPLETION_INDEX/N.",
    };

    public Option<FileInfo?> Plan { get; } = new("--plan")
    {
        Description = "A plan made by 'xanalytics plan INPUT... --shards N': the inputs must be the plan's; each shard reads the "
            + "files the plan gives it, whatever arrived since. Needs --shard.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Shard);
        command.Options.Add(Plan);
        command.Options.Add(Threads);
        command.Options.Add(OnlyGz);
        command.Options.Add(Strict);
        command.Options.Add(Rejects);
        command.Options.Add(MaxLineLength);
        command.Options.Add(InFormat);
        command.Options.Add(NoProgress);
    }

    /// <summary>The library options for a run over <paramref name="inputs"/>: the settings', then this command line's.</summary>
    public PipelineOptions ToPipelineOptions(ParseResult result, XAnalyticsSettings settings, IReadOnlyList<string> inputs, string commandName)
    {
        FileInfo? rejects = result.GetValue(Rejects);
        PipelineOptions options = settings.ToPipelineOptions(inputs, commandName);
        options = options with
        {
            // No input files is a usage error (exit 2), not a clean run over nothing.
            Source = options.Source with { OnlyGzip = result.GetValue(OnlyGz), Format = result.GetValue(InFormat), RequireFiles = true },
            Threads = result.GetValue(Threads) ?? options.Threads,
            MaxLineBytes = result.GetValue(MaxLineLength) ?? options.MaxLineBytes,
            Strict = result.GetValue(Strict),
            RejectsPath = rejects is null ? options.RejectsPath : PathChecks.WritableFile(rejects, Rejects.Name),
            WriteEmptyRejectsFile = rejects is not null,
        };
        (ShardSelection? shard, ShardPlan? plan) = ShardOf(result);
        if (shard is not null)
        {
            options = options with { Source = options.Source with { Shard = shard, Plan = plan } };
        }

        if (inputs.Any(static i => i.StartsWith(S3InputStore.Scheme, StringComparison.Ordinal)))
        {
            options = options with { Source = options.Source with { Stores = [S3Store(settings)] } };
        }

        // The rejects file may sit in the tree being read; it is never read back.
        return options.RejectsPath is { } path ? Excluding(options, path) : options;
    }

    /// <summary>The shard and plan given (<c>--shard</c>, <c>--plan</c>), checked against each other; nulls without <c>--shard</c>.</summary>
    /// <exception cref="ArgumentException"><c>--plan</c> without <c>--shard</c>, or a shard count the plan does not have.</exception>
    public (ShardSelection? Shard, ShardPlan? Plan) ShardOf(ParseResult result)
    {
        string? text = result.GetValue(Shard);
        FileInfo? planFile = result.GetValue(Plan);
        ShardSelection? shard = text is null ? null : ShardSelection.Parse(text);
        if (planFile is null)
        {
            return (shard, null);
        }

        ShardPlan plan = ShardPlan.Load(PathChecks.ReadableFile(planFile, Plan.Name));
        if (shard is null)
        {
            throw new ArgumentException($"--plan needs --shard i/{plan.Shards}: which of the plan's {plan.Shards} shards this task reads.");
        }

        if (shard.Count != plan.Shards)
        {
            throw new ArgumentException($"--shard {shard} does not fit the plan {planFile.Name}, which has {plan.Shards} shards.");
        }

        return (shard, plan);
    }

    /// <summary>The S3 store of <c>s3://</c> inputs: endpoint and region from the settings, credentials from the AWS SDK's chain.</summary>
    private static S3InputStore S3Store(XAnalyticsSettings settings)
    {
        settings.TryGetValue(SettingKeys.S3Endpoint, out string? endpoint);
        settings.TryGetValue(SettingKeys.S3Region, out string? region);
        if (endpoint is not null && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            throw new ArgumentException($"s3-endpoint '{endpoint}' is not an absolute URL (http://host:port).");
        }

        return new S3InputStore(new S3InputOptions { Endpoint = endpoint, Region = region });
    }

    /// <summary>The options with <paramref name="path"/> (the command's own output) never read as input, even inside an input tree.</summary>
    public static PipelineOptions Excluding(PipelineOptions options, string path)
        => options with { Source = options.Source with { Exclude = [.. options.Source.Exclude, path] } };
}
