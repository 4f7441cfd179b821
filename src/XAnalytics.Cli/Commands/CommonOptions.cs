using System.CommandLine;
using XAnalytics.Pipeline;
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

    public void AddTo(Command command)
    {
        command.Options.Add(Threads);
        command.Options.Add(OnlyGz);
        command.Options.Add(Strict);
        command.Options.Add(Rejects);
        command.Options.Add(MaxLineLength);
        command.Options.Add(InFormat);
        command.Options.Add(NoProgress);
    }

    /// <summary>The library options for a run over <paramref name="inputs"/>.</summary>
    public PipelineOptions ToPipelineOptions(ParseResult result, XAnalyticsSettings settings, IReadOnlyList<string> inputs, string commandName)
    {
        FileInfo? rejects = result.GetValue(Rejects);
        return new PipelineOptions
        {
            Source = new FileSourceOptions { Inputs = inputs, OnlyGzip = result.GetValue(OnlyGz), Format = result.GetValue(InFormat) },
            Threads = result.GetValue(Threads) ?? settings.Threads,
            MaxLineBytes = result.GetValue(MaxLineLength) ?? settings.MaxLineLength,
            Strict = result.GetValue(Strict),
            RejectsPath = rejects?.FullName ?? DefaultRejectsPath(settings, commandName),
            WriteEmptyRejectsFile = rejects is not null,
        };
    }

    private static string DefaultRejectsPath(XAnalyticsSettings settings, string commandName)
    {
        // Rejected lines are learners' data: a folder only the user can enter.
        string root = settings.ScratchDir ?? PrivateTemp();
        string dir = CreatePrivateDirectory(Path.Combine(CreatePrivateDirectory(root), "rejects"));
        // Formatted by hand: a custom date format string costs a couple of milliseconds at a tool's start.
        DateTime now = DateTime.Now;
        return Path.Combine(dir, string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{commandName}-{now.Year:D4}{now.Month:D2}{now.Day:D2}-{now.Hour:D2}{now.Minute:D2}{now.Second:D2}-{Environment.ProcessId}.tsv"));
    }

    /// <summary>The user's private folder in the temp folder (rejects, the demo's archive), created when missing.</summary>
    public static string PrivateTemp()
        => CreatePrivateDirectory(Path.Combine(Path.GetTempPath(), $"xanalytics-{Environment.UserName}"));

    /// <summary>Creates <paramref name="path"/> readable by its owner only (on Unix), returning it.</summary>
    private static string CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
