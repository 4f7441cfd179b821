using XAnalytics.Settings;

namespace XAnalytics.Tests.Settings;

/// <summary>
/// A temporary directory standing in for /etc and the home directory, and load options that see only it and a
/// fake environment, so no test reads the real /etc, ~ or process environment.
/// </summary>
internal sealed class SettingsTestFiles : IDisposable
{
    public SettingsTestFiles()
    {
        Root = Directory.CreateTempSubdirectory("xanalytics-settings-").FullName;
        Etc = Directory.CreateDirectory(Path.Combine(Root, "etc")).FullName;
        Home = Directory.CreateDirectory(Path.Combine(Root, "home")).FullName;
    }

    public string Root { get; }

    public string Etc { get; }

    public string Home { get; }

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>The four standard locations, mapped into the temporary directory.</summary>
    public IReadOnlyList<string> CandidateFiles =>
    [
        Path.Combine(Etc, "xanalytics"),
        Path.Combine(Etc, "xanalytics.yaml"),
        Path.Combine(Home, ".xanalytics"),
        Path.Combine(Home, ".xanalytics.yaml"),
    ];

    public string Write(string relativePath, string yaml)
    {
        string path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml);
        return path;
    }

    public SettingsLoadOptions Options(string? configFile = null, params string[] overrides) => new()
    {
        CandidateFiles = CandidateFiles,
        ConfigFile = configFile,
        CommandLineOverrides = overrides,
        Environment = name => Environment.TryGetValue(name, out string? value) ? value : null,
        HomeDirectory = Home,
    };

    public XAnalyticsSettings Load(string? configFile = null, params string[] overrides) =>
        SettingsLoader.Load(Options(configFile, overrides));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
