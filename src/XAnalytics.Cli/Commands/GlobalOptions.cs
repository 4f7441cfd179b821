using System.CommandLine;
using XAnalytics.Settings;

namespace XAnalytics.Cli.Commands;

/// <summary>Options every command takes: where settings come from.</summary>
internal static class GlobalOptions
{
    public static Option<FileInfo?> Config { get; } = new("--config")
    {
        Description = "A YAML settings file read after /etc/xanalytics[.yaml] and ~/.xanalytics[.yaml] "
            + "(default: $XANALYTICS_CONFIG when set).",
        Recursive = true,
    };

    public static Option<string[]> Set { get; } = new("--set")
    {
        Description = "Override a setting for this run, as key=value (e.g. --set scratch-dir=/tmp/x). Repeatable.",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Settings from the machine's files, the --config file and --set overrides.</summary>
    public static XAnalyticsSettings Load(ParseResult result)
        => SettingsLoader.LoadFromMachine(result.GetValue(Config)?.FullName, result.GetValue(Set) ?? []);
}
