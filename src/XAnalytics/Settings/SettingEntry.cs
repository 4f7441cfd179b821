namespace XAnalytics.Settings;

/// <summary>One effective setting and where it came from, as listed by <see cref="XAnalyticsSettings.Describe"/>.</summary>
/// <param name="Key">The setting's key, e.g. <c>output-dir</c>.</param>
/// <param name="Value">The effective value: paths with <c>~</c> and environment variables expanded, numbers in canonical form.</param>
/// <param name="Source">
/// Where the value came from: a configuration file's path, <see cref="SettingSources.CommandLine"/>,
/// <see cref="SettingSources.Override"/> or <see cref="SettingSources.Default"/>.
/// </param>
public sealed record SettingEntry(string Key, string Value, string Source);

/// <summary>The <see cref="SettingEntry.Source"/> names of values that did not come from a file.</summary>
public static class SettingSources
{
    /// <summary>A <c>key=value</c> override given on the command line.</summary>
    public const string CommandLine = "command line";

    /// <summary>A value pushed on a <see cref="SettingsStack"/>.</summary>
    public const string Override = "override";

    /// <summary>The built-in default of a known key.</summary>
    public const string Default = "default";
}

/// <summary>A configuration file the loader looked for, in the order it was considered.</summary>
/// <param name="Path">The file's path.</param>
/// <param name="Existed">Whether the file existed and was read.</param>
/// <param name="Origin">
/// Why it was considered: <c>default</c> for the standard locations, <c>--config</c> for a file named by the caller,
/// or the name of the environment variable (<see cref="SettingsLoader.ConfigEnvironmentVariable"/>) that named it.
/// </param>
public sealed record SearchedFile(string Path, bool Existed, string Origin);
