namespace XAnalytics.Settings;

/// <summary>One effective setting and where it came from, as listed by <see cref="XAnalyticsSettings.Describe"/>.</summary>
/// <param name="Key">The setting's key, e.g. <c>output-dir</c>.</param>
/// <param name="Value">The effective value: paths with <c>~</c> and environment variables expanded, numbers in canonical form.</param>
/// <param name="Source">
/// Where the value came from: a configuration file's path, <see cref="SettingSources.CommandLine"/>,
/// <see cref="SettingSources.Override"/> or <see cref="SettingSources.Default"/>.
/// </param>
public sealed record SettingEntry(string Key, string Value, string Source);
