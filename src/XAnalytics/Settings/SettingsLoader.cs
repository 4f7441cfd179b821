namespace XAnalytics.Settings;

/// <summary>
/// Loads <see cref="XAnalyticsSettings"/> by merging, key by key with later sources winning: the
/// <see cref="SettingsLoadOptions.CandidateFiles"/> in order, then the explicit configuration file, then the
/// command-line overrides.
/// </summary>
/// <example>
/// <code>
/// var settings = SettingsLoader.LoadFromMachine(configFileOption, overrideArguments);
/// string output = settings.GetRequiredPath(SettingKeys.OutputDir);
/// </code>
/// </example>
public static class SettingsLoader
{
    /// <summary>The environment variable naming a configuration file when none is given explicitly: <c>XANALYTICS_CONFIG</c>.</summary>
    public const string ConfigEnvironmentVariable = "XANALYTICS_CONFIG";

    internal const string DefaultOrigin = "default";
    internal const string ExplicitOrigin = "--config";

    /// <summary>
    /// The standard configuration files, lowest precedence first: <c>/etc/xanalytics</c>, <c>/etc/xanalytics.yaml</c>,
    /// <c>~/.xanalytics</c>, <c>~/.xanalytics.yaml</c>. The last two are left out when <paramref name="homeDirectory"/>
    /// is <see langword="null"/> or empty.
    /// </summary>
    /// <param name="homeDirectory">The user's home directory.</param>
    /// <returns>The candidate paths; none of them is touched.</returns>
    public static IReadOnlyList<string> GetDefaultCandidateFiles(string? homeDirectory)
    {
        if (string.IsNullOrEmpty(homeDirectory))
        {
            return ["/etc/xanalytics", "/etc/xanalytics.yaml"];
        }

        return
        [
            "/etc/xanalytics",
            "/etc/xanalytics.yaml",
            Path.Combine(homeDirectory, ".xanalytics"),
            Path.Combine(homeDirectory, ".xanalytics.yaml"),
        ];
    }

    /// <summary>
    /// Loads settings from the real machine: the standard files under <c>/etc</c> and the user's home, the
    /// process environment, then <paramref name="configFile"/> (or <c>XANALYTICS_CONFIG</c>) and
    /// <paramref name="commandLineOverrides"/>.
    /// </summary>
    /// <param name="configFile">The CLI's <c>--config</c> value, or <see langword="null"/>.</param>
    /// <param name="commandLineOverrides"><c>key=value</c> pairs from the command line, or <see langword="null"/>.</param>
    /// <returns>The resolved, validated settings.</returns>
    /// <exception cref="SettingsException">A file does not parse, a value has the wrong type, or the named file is missing.</exception>
    public static XAnalyticsSettings LoadFromMachine(string? configFile = null, IReadOnlyList<string>? commandLineOverrides = null)
    {
        string home = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
        string? homeDirectory = string.IsNullOrEmpty(home) ? null : home;
        return Load(new SettingsLoadOptions
        {
            CandidateFiles = GetDefaultCandidateFiles(homeDirectory),
            ConfigFile = configFile,
            CommandLineOverrides = commandLineOverrides ?? [],
            Environment = System.Environment.GetEnvironmentVariable,
            HomeDirectory = homeDirectory,
        });
    }

    /// <summary>Loads settings from exactly the files, environment and home directory given in <paramref name="options"/>.</summary>
    /// <param name="options">What to read.</param>
    /// <returns>The resolved, validated settings.</returns>
    /// <exception cref="SettingsException">A file does not parse, a value has the wrong type, or the named file is missing.</exception>
    public static XAnalyticsSettings Load(SettingsLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.CandidateFiles);
        ArgumentNullException.ThrowIfNull(options.CommandLineOverrides);
        ArgumentNullException.ThrowIfNull(options.Environment);

        var searched = new List<SearchedFile>(options.CandidateFiles.Count + 1);
        var merged = new Dictionary<string, RawSetting>(StringComparer.Ordinal);

        foreach (string candidate in options.CandidateFiles)
        {
            ArgumentException.ThrowIfNullOrEmpty(candidate, nameof(options.CandidateFiles));

            // File.Exists is false for a directory, so a /etc/xanalytics/ folder is skipped like a missing file.
            bool exists = File.Exists(candidate);
            searched.Add(new SearchedFile(candidate, exists, DefaultOrigin));
            if (exists)
            {
                Apply(merged, YamlSettingsReader.Read(candidate));
            }
        }

        (string? explicitFile, string origin) = options.ConfigFile is { Length: > 0 } configFile
            ? (configFile, ExplicitOrigin)
            : (options.Environment(ConfigEnvironmentVariable), ConfigEnvironmentVariable);
        if (!string.IsNullOrEmpty(explicitFile))
        {
            if (!File.Exists(explicitFile))
            {
                string how = origin == ExplicitOrigin ? "given with --config" : $"named by the {ConfigEnvironmentVariable} environment variable";
                string what = Directory.Exists(explicitFile) ? "is a directory, not a file" : "does not exist";
                throw new SettingsException(
                    $"Configuration file '{explicitFile}' ({how}) {what}.", key: null, explicitFile, line: null, column: null);
            }

            searched.Add(new SearchedFile(explicitFile, Existed: true, origin));
            Apply(merged, YamlSettingsReader.Read(explicitFile));
        }

        Apply(merged, ParseCommandLine(options.CommandLineOverrides));

        var context = new SettingsContext(options.Environment, options.HomeDirectory, searched.AsReadOnly());
        return new XAnalyticsSettings(merged, context);
    }

    internal static void Apply(Dictionary<string, RawSetting> merged, IEnumerable<RawSetting> layer)
    {
        foreach (RawSetting setting in layer)
        {
            // An empty or null value lets a later source take a key back to its default.
            if (string.IsNullOrEmpty(setting.Value))
            {
                merged.Remove(setting.Key);
            }
            else
            {
                merged[setting.Key] = setting;
            }
        }
    }

    private static List<RawSetting> ParseCommandLine(IReadOnlyList<string> overrides)
    {
        var layer = new List<RawSetting>(overrides.Count);
        foreach (string pair in overrides)
        {
            ArgumentNullException.ThrowIfNull(pair, nameof(overrides));
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string key = equals < 0 ? string.Empty : pair[..equals].Trim();
            if (key.Length == 0)
            {
                throw new SettingsException(
                    $"Command-line setting '{pair}' is not of the form key=value.", key: null, filePath: null, line: null, column: null);
            }

            layer.Add(new RawSetting(key, pair[(equals + 1)..], SettingSources.CommandLine, Line: 0, Column: 0));
        }

        return layer;
    }
}
