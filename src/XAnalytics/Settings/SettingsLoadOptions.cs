namespace XAnalytics.Settings;

/// <summary>
/// Everything <see cref="SettingsLoader.Load"/> reads from the outside world, so that tests and embedding tools
/// decide which files, environment and home directory are seen. <see cref="SettingsLoader.LoadFromMachine"/>
/// fills these from the real machine.
/// </summary>
public sealed record SettingsLoadOptions
{
    /// <summary>
    /// The standard configuration files, lowest precedence first. Files that do not exist are skipped silently.
    /// <see cref="SettingsLoader.GetDefaultCandidateFiles"/> gives the machine's list.
    /// </summary>
    public required IReadOnlyList<string> CandidateFiles { get; init; }

    /// <summary>
    /// A configuration file named explicitly (the CLI's <c>--config FILE</c>), read after <see cref="CandidateFiles"/>.
    /// When <see langword="null"/>, the file named by the <see cref="SettingsLoader.ConfigEnvironmentVariable"/>
    /// environment variable is used, if any. Either way the file must exist. Default <see langword="null"/>.
    /// </summary>
    public string? ConfigFile { get; init; }

    /// <summary>
    /// <c>key=value</c> overrides from the command line, applied last, in order. An empty value removes the key
    /// (back to its default). Default: none.
    /// </summary>
    public IReadOnlyList<string> CommandLineOverrides { get; init; } = [];

    /// <summary>
    /// Looks up an environment variable; returns <see langword="null"/> when it is not set. Used for
    /// <see cref="SettingsLoader.ConfigEnvironmentVariable"/> and for <c>$VAR</c>/<c>${VAR}</c> in path values.
    /// </summary>
    public required Func<string, string?> Environment { get; init; }

    /// <summary>
    /// The user's home directory, used for <c>~</c> in path values; <see langword="null"/> when unknown, in which
    /// case a path starting with <c>~</c> is an error.
    /// </summary>
    public required string? HomeDirectory { get; init; }
}
