using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using XAnalytics.Sinks;

namespace XAnalytics.Settings;

/// <summary>
/// The resolved settings: every source merged, known keys validated and typed, paths expanded. Immutable and
/// safe to share between threads. Obtain one from <see cref="SettingsLoader"/> or <see cref="SettingsStack.Current"/>.
/// </summary>
public sealed partial class XAnalyticsSettings
{
    /// <summary>The default of <see cref="MaxFileSize"/>: 20000 events per output part.</summary>
    public const int DefaultMaxFileSize = PartsSinkOptions.DefaultMaxEventsPerPart;

    /// <summary>The default of <see cref="RejectsKeep"/>: 20 rejects files.</summary>
    public const int DefaultRejectsKeep = 20;

    /// <summary>The default of <see cref="MaxLineLength"/>: 16 MiB (16777216 bytes).</summary>
    public const int DefaultMaxLineLength = 16 * 1024 * 1024;

    private static readonly string[] s_pathKeys =
    [
        SettingKeys.PublicDataDir, SettingKeys.EdxDataDir, SettingKeys.ScratchDir, SettingKeys.OutputDir, SettingKeys.PseudonymKeyFile,
    ];

    // Merged raw values by key; never mutated after construction.
    private readonly Dictionary<string, RawSetting> _raw;

    // Effective values of set keys and of defaulted known keys, in Describe() order.
    private readonly Dictionary<string, SettingEntry> _effective;
    private readonly IReadOnlyList<SettingEntry> _entries;
    private readonly SettingsContext _context;

    internal XAnalyticsSettings(Dictionary<string, RawSetting> raw, SettingsContext context)
    {
        _raw = raw;
        _context = context;
        _effective = new Dictionary<string, SettingEntry>(raw.Count + 8, StringComparer.Ordinal);

        PublicDataDir = ResolvePath(SettingKeys.PublicDataDir);
        EdxDataDir = ResolvePath(SettingKeys.EdxDataDir);
        ScratchDir = ResolvePath(SettingKeys.ScratchDir);
        OutputDir = ResolvePath(SettingKeys.OutputDir);
        MaxFileSize = ResolveInt(SettingKeys.MaxFileSize, DefaultMaxFileSize, "a positive integer (events per output part)", allowByteSuffix: false);
        PseudonymKeyFile = ResolvePath(SettingKeys.PseudonymKeyFile);
        Threads = ResolveInt(SettingKeys.Threads, Environment.ProcessorCount, "a positive integer (worker threads)", allowByteSuffix: false);
        MaxLineLength = ResolveInt(
            SettingKeys.MaxLineLength, DefaultMaxLineLength, "a positive integer number of bytes, optionally with a KiB, MiB or GiB suffix", allowByteSuffix: true);
        RejectsKeep = ResolveInt(SettingKeys.RejectsKeep, DefaultRejectsKeep, "a positive integer (rejects files kept)", allowByteSuffix: false);

        RawSetting? unknown = null;
        foreach (RawSetting setting in raw.Values)
        {
            // One error, the same on every run: the first unknown key by source and line.
            if (!IsKnown(setting.Key) && (unknown is null || string.CompareOrdinal(setting.Source, unknown.Source) < 0
                || (setting.Source == unknown.Source && setting.Line < unknown.Line)))
            {
                unknown = setting;
            }
        }

        if (unknown is not null)
        {
            throw UnknownKeyError(unknown);
        }

        var entries = new List<SettingEntry>(_effective.Count + 2);
        foreach (string key in SettingKeys.All)
        {
            if (_effective.TryGetValue(key, out SettingEntry? entry))
            {
                entries.Add(entry);
            }
            else if (raw.TryGetValue(key, out RawSetting? listed))
            {
                // desensitize-drop and -keep: lists, kept as written.
                var written = new SettingEntry(key, listed.Value!, listed.Source);
                _effective.Add(key, written);
                entries.Add(written);
            }
        }

        _entries = entries.AsReadOnly();
    }

    /// <summary>Directory of public reference data (<c>public-data-dir</c>), expanded; <see langword="null"/> when unset.</summary>
    public string? PublicDataDir { get; }

    /// <summary>Directory of the edX tracking-log exports (<c>edx-data-dir</c>), expanded; <see langword="null"/> when unset.</summary>
    public string? EdxDataDir { get; }

    /// <summary>Directory for temporary files (<c>scratch-dir</c>), expanded; <see langword="null"/> when unset.</summary>
    public string? ScratchDir { get; }

    /// <summary>Directory results are written to (<c>output-dir</c>), expanded; <see langword="null"/> when unset.</summary>
    public string? OutputDir { get; }

    /// <summary>Events per output part (<c>max-file-size</c>). Default <see cref="DefaultMaxFileSize"/> (20000).</summary>
    public int MaxFileSize { get; }

    /// <summary>The pseudonymisation key file (<c>pseudonym-key-file</c>), expanded; <see langword="null"/> when unset.</summary>
    public string? PseudonymKeyFile { get; }

    /// <summary>Worker threads (<c>threads</c>). Default <see cref="Environment.ProcessorCount"/> at load time.</summary>
    public int Threads { get; }

    /// <summary>Longest accepted input line in bytes (<c>max-line-length</c>). Default <see cref="DefaultMaxLineLength"/> (16 MiB).</summary>
    public int MaxLineLength { get; }

    /// <summary>Rejects files kept in the default rejects folder (<c>rejects-keep</c>). Default <see cref="DefaultRejectsKeep"/> (20).</summary>
    public int RejectsKeep { get; }

    /// <summary>The configuration files considered during the load, in order, and whether each existed.</summary>
    public IReadOnlyList<SearchedFile> SearchedFiles => _context.SearchedFiles;

    /// <summary>
    /// Gets the effective value of a key: expanded for path keys, canonical (defaults included) for numeric keys,
    /// as written for list keys.
    /// </summary>
    /// <param name="key">The key, e.g. <c>output-dir</c> (one of <see cref="SettingKeys.All"/>; any other has no value).</param>
    /// <param name="value">The value, or <see langword="null"/> when the key is not set and has no default.</param>
    /// <returns>Whether the key has a value.</returns>
    public bool TryGetValue(string key, [NotNullWhen(true)] out string? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_effective.TryGetValue(key, out SettingEntry? entry))
        {
            value = entry.Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>
    /// Gets a path a command cannot do without, with <c>~</c> and environment variables expanded. One of the path
    /// keys of <see cref="SettingKeys"/>.
    /// </summary>
    /// <param name="key">A path key, e.g. <see cref="SettingKeys.OutputDir"/>.</param>
    /// <returns>The expanded path; never <see langword="null"/> or empty.</returns>
    /// <exception cref="SettingsException">
    /// The key is not set; the message names it and lists every file searched, and which existed.
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is a numeric key, which is not a path, or no known key.</exception>
    public string GetRequiredPath(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key is SettingKeys.MaxFileSize or SettingKeys.Threads or SettingKeys.MaxLineLength or SettingKeys.RejectsKeep)
        {
            throw new ArgumentException($"'{key}' is a number, not a path; use the typed property.", nameof(key));
        }

        if (!IsKnown(key))
        {
            throw new ArgumentException($"'{key}' is not a known setting (known settings: {string.Join(", ", SettingKeys.All)}).", nameof(key));
        }

        if (!_raw.TryGetValue(key, out RawSetting? setting))
        {
            throw new SettingsException(MissingKeyMessage(key), key, filePath: null, line: null, column: null);
        }

        return Array.IndexOf(s_pathKeys, key) >= 0 ? _effective[key].Value : PathExpander.Expand(setting, _context);
    }

    /// <summary>
    /// Lists every effective setting with its source: the known keys first (set ones and those with a default),
    /// in the order of <see cref="SettingKeys.All"/>.
    /// </summary>
    /// <returns>A snapshot; the caller may keep it.</returns>
    public IReadOnlyList<SettingEntry> Describe() => _entries;

    internal XAnalyticsSettings WithLayer(IEnumerable<RawSetting> layer)
    {
        var merged = new Dictionary<string, RawSetting>(_raw, StringComparer.Ordinal);
        SettingsLoader.Apply(merged, layer);
        return new XAnalyticsSettings(merged, _context);
    }

    private string? ResolvePath(string key)
    {
        if (!_raw.TryGetValue(key, out RawSetting? setting))
        {
            return null;
        }

        string path = PathExpander.Expand(setting, _context);
        if (path.Length == 0)
        {
            throw TypeError(setting, "a non-empty path");
        }

        _effective.Add(key, new SettingEntry(key, path, setting.Source));
        return path;
    }

    private int ResolveInt(string key, int defaultValue, string expected, bool allowByteSuffix)
    {
        if (!_raw.TryGetValue(key, out RawSetting? setting))
        {
            _effective.Add(key, new SettingEntry(key, defaultValue.ToString(CultureInfo.InvariantCulture), SettingSources.Default));
            return defaultValue;
        }

        if (!TryParsePositive(setting.Value!.Trim(), allowByteSuffix, out int value))
        {
            throw TypeError(setting, expected);
        }

        _effective.Add(key, new SettingEntry(key, value.ToString(CultureInfo.InvariantCulture), setting.Source));
        return value;
    }

    private static bool TryParsePositive(string text, bool allowByteSuffix, out int value)
    {
        // Array.MaxLength bounds every value: each one sizes a buffer or a count of buffered items.
        bool ok = allowByteSuffix
            ? ByteSize.TryParse(text, Array.MaxLength, StringComparison.Ordinal, out long bytes)
            : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out bytes) && bytes > 0 && bytes <= Array.MaxLength;
        value = ok ? (int)bytes : 0;
        return ok;
    }

    private static bool IsKnown(string key)
    {
        foreach (string known in SettingKeys.All)
        {
            if (known == key)
            {
                return true;
            }
        }

        return false;
    }

    private static SettingsException UnknownKeyError(RawSetting setting)
    {
        string? nearest = NameSuggestions.Nearest(setting.Key, SettingKeys.All);
        string where = setting.FromFile ? setting.Location : "--set";
        string hint = nearest is null ? string.Empty : $"; did you mean '{nearest}'?";
        return new SettingsException(
            $"{where}: unknown setting '{setting.Key}'{hint} (known settings: {string.Join(", ", SettingKeys.All)})",
            setting.Key,
            setting.FromFile ? setting.Source : null,
            setting.FromFile ? setting.Line : null,
            setting.FromFile ? setting.Column : null);
    }

    private static SettingsException TypeError(RawSetting setting, string expected) =>
        new(
            $"{setting.Location}: '{setting.Key}' must be {expected}, but is '{setting.Value}'.",
            setting.Key,
            setting.FromFile ? setting.Source : null,
            setting.FromFile ? setting.Line : null,
            setting.FromFile ? setting.Column : null);

    private string MissingKeyMessage(string key)
    {
        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"Setting '{key}' is required but no configuration source sets it.");
        message.Append("\nSources searched, in order (later ones override earlier ones):");
        bool anyExplicit = false;
        foreach (SearchedFile file in _context.SearchedFiles)
        {
            anyExplicit |= file.Origin != SettingsLoader.DefaultOrigin;
            string state = file.Existed ? "read" : "not found";
            string origin = file.Origin == SettingsLoader.DefaultOrigin ? string.Empty : $", from {file.Origin}";
            message.Append(CultureInfo.InvariantCulture, $"\n  {file.Path} ({state}{origin})");
        }

        if (!anyExplicit)
        {
            message.Append(CultureInfo.InvariantCulture, $"\n  (no --config file, and {SettingsLoader.ConfigEnvironmentVariable} is not set)");
        }

        message.Append(CultureInfo.InvariantCulture, $"\n  command line overrides (none for '{key}')");
        message.Append(CultureInfo.InvariantCulture, $"\nAdd '{key}: VALUE' to one of these files, or pass --set {key}=VALUE on the command line.");
        return message.ToString();
    }
}
