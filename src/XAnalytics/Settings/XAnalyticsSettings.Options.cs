using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Stages.Desensitize;

namespace XAnalytics.Settings;

/// <content>
/// The one place where settings become library options, for the command line and for embedders alike: a caller
/// takes these and overrides what its own arguments say (<c>options with { Threads = 2 }</c>).
/// </content>
public sealed partial class XAnalyticsSettings
{
    /// <summary>The environment variable that may hold the pseudonym key (hex or base64) when no key file is named.</summary>
    public const string PseudonymKeyVariable = "XANALYTICS_PSEUDONYM_KEY";

    /// <summary>
    /// Options for a run over <paramref name="inputs"/>: <see cref="Threads"/>, <see cref="MaxLineLength"/>, and
    /// rejected lines to a private file named after <paramref name="runName"/> under <see cref="ScratchDir"/> (else
    /// the user's private temporary folder), kept only when something was rejected.
    /// </summary>
    /// <remarks>The rejects folder is created, readable by its owner only, when it is missing: rejected lines are
    /// learners' data.</remarks>
    public PipelineOptions ToPipelineOptions(IReadOnlyList<string> inputs, string runName = "run")
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentException.ThrowIfNullOrEmpty(runName);
        return new PipelineOptions
        {
            Source = new FileSourceOptions { Inputs = inputs },
            Threads = Threads,
            MaxLineBytes = MaxLineLength,
            RejectsPath = DefaultRejectsPath(runName),
            WriteEmptyRejectsFile = false,
        };
    }

    /// <summary>Options for parts written to <paramref name="outputDirectory"/>: <see cref="MaxFileSize"/> events a part.</summary>
    public PartsSinkOptions ToPartsSinkOptions(string outputDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        return new PartsSinkOptions { OutputDirectory = outputDirectory, MaxEventsPerPart = MaxFileSize };
    }

    /// <summary>
    /// Options for desensitizing with <paramref name="profile"/>: the fields of <c>desensitize-drop</c> and
    /// <c>desensitize-keep</c>, and for keyed pseudonyms the key (<see cref="LoadPseudonymKey"/>).
    /// </summary>
    public DesensitizeOptions ToDesensitizeOptions(
        DesensitizeProfile profile = DesensitizeProfile.Default, PseudonymScheme pseudonyms = PseudonymScheme.Keyed, string? keyFile = null)
        => new()
        {
            Profile = profile,
            Pseudonyms = pseudonyms,
            Key = pseudonyms == PseudonymScheme.Keyed ? LoadPseudonymKey(keyFile) : null,
            DropFields = ListSetting(SettingKeys.DesensitizeDrop),
            KeepFields = ListSetting(SettingKeys.DesensitizeKeep),
        };

    /// <summary>
    /// The pseudonym key from <paramref name="keyFile"/>, else the <c>pseudonym-key-file</c> setting, else
    /// <see cref="PseudonymKeyVariable"/>. There is no default key: without one this throws.
    /// </summary>
    /// <exception cref="ArgumentException">No key was given anywhere.</exception>
    public PseudonymKey LoadPseudonymKey(string? keyFile = null)
    {
        if (keyFile is not null)
        {
            return PseudonymKey.Load(keyFile);
        }

        if (PseudonymKeyFile is { } path)
        {
            return PseudonymKey.Load(path);
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PseudonymKeyVariable)))
        {
            return PseudonymKey.FromEnvironment();
        }

        throw new ArgumentException(
            "Pseudonyms need a secret key, and none was given: pass --key-file FILE, set 'pseudonym-key-file' in the settings, "
            + $"or set {PseudonymKeyVariable} (hex or base64, at least 16 bytes; e.g. `head -c 32 /dev/urandom | base64`). "
            + "Keep the key private: with it, anyone can check whether a given username is in the data.");
    }

    /// <summary>A comma-separated list setting (<c>desensitize-drop</c>, <c>desensitize-keep</c>), empty when unset.</summary>
    public IReadOnlyList<string> ListSetting(string key)
        => TryGetValue(key, out string? value)
            ? value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];

    /// <summary>
    /// A folder under <see cref="ScratchDir"/> (else under the user's private state folder,
    /// <see cref="PrivateStateDirectory"/>), created readable by its owner only when missing, and refused when it is
    /// a link or another user's.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The folder (or its root) is a link or belongs to another user.</exception>
    public string PrivateScratchDirectory(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string root = ScratchDir is { } scratch ? CreatePrivateDirectory(scratch) : PrivateStateDirectory();
        return CreatePrivateDirectory(Path.Combine(root, name));
    }

    /// <summary>
    /// The user's private folder for what runs leave behind (rejects): <c>$XDG_STATE_HOME/xanalytics</c>, else
    /// <c>~/.local/state/xanalytics</c> (on Windows the local application data folder), outside the shared
    /// temporary folder; <see cref="PrivateTempDirectory"/> only where there is no home.
    /// </summary>
    public static string PrivateStateDirectory()
    {
        string? state = OperatingSystem.IsWindows()
            ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { } xdg && Path.IsPathFullyQualified(xdg)
                ? xdg
                : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? Path.Combine(home, ".local", "state") : null;
        return string.IsNullOrEmpty(state) ? PrivateTempDirectory() : CreatePrivateDirectory(Path.Combine(state, "xanalytics"));
    }

    /// <summary>
    /// The user's private folder in the temporary folder (<c>xanalytics-USER</c>), created when missing; refused when
    /// someone else made it first, or made it a link.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The folder is a link or belongs to another user.</exception>
    public static string PrivateTempDirectory()
        => CreatePrivateDirectory(Path.Combine(Path.GetTempPath(), $"xanalytics-{Environment.UserName}"));

    private string DefaultRejectsPath(string runName)
    {
        string dir = PrivateScratchDirectory("rejects");
        RejectLog.Sweep(dir, RejectsKeep, TimeSpan.FromDays(1));
        // Formatted by hand: a custom date format string costs a couple of milliseconds at a tool's start.
        DateTime now = DateTime.Now;
        return Path.Combine(dir, string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{runName}-{now.Year:D4}{now.Month:D2}{now.Day:D2}-{now.Hour:D2}{now.Minute:D2}{now.Second:D2}-{Environment.ProcessId}.tsv"));
    }

    /// <summary>Creates <paramref name="path"/> readable by its owner only (on Unix), or checks it is ours; returns it.</summary>
    private static string CreatePrivateDirectory(string path) => Internal.PrivateDirectory.Ensure(path);
}
