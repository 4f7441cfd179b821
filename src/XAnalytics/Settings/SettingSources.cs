namespace XAnalytics.Settings;

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
