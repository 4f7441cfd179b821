namespace XAnalytics.Settings;

/// <summary>A configuration file the loader looked for, in the order it was considered.</summary>
/// <param name="Path">The file's path.</param>
/// <param name="Existed">Whether the file existed and was read.</param>
/// <param name="Origin">
/// Why it was considered: <c>default</c> for the standard locations, <c>--config</c> for a file named by the caller,
/// or the name of the environment variable (<see cref="SettingsLoader.ConfigEnvironmentVariable"/>) that named it.
/// </param>
public sealed record SearchedFile(string Path, bool Existed, string Origin);
