namespace XAnalytics.Settings;

/// <summary>
/// The names of the settings the engine knows. Keys are case-sensitive and spelled as in the YAML files.
/// Any other key is an error when the settings are loaded (naming the file, line and the nearest known key): a
/// misspelt <c>desensitise-drop</c> silently ignored would ship the fields it meant to drop.
/// </summary>
public static class SettingKeys
{
    /// <summary>Directory of public (course-independent) reference data. A path; <c>~</c> and environment variables expand.</summary>
    public const string PublicDataDir = "public-data-dir";

    /// <summary>Directory holding the edX tracking-log exports. A path; <c>~</c> and environment variables expand.</summary>
    public const string EdxDataDir = "edx-data-dir";

    /// <summary>Directory for temporary files. A path; <c>~</c> and environment variables expand.</summary>
    public const string ScratchDir = "scratch-dir";

    /// <summary>Directory the results are written to. A path; <c>~</c> and environment variables expand.</summary>
    public const string OutputDir = "output-dir";

    /// <summary>Events per output part: a positive integer, default 20000.</summary>
    public const string MaxFileSize = "max-file-size";

    /// <summary>File holding the key used to pseudonymise user identifiers. A path; <c>~</c> and environment variables expand.</summary>
    public const string PseudonymKeyFile = "pseudonym-key-file";

    /// <summary>Worker threads: a positive integer, default <see cref="Environment.ProcessorCount"/>.</summary>
    public const string Threads = "threads";

    /// <summary>Longest accepted input line in bytes: a positive integer, optionally with a <c>KiB</c>, <c>MiB</c> or <c>GiB</c> suffix; default 16 MiB.</summary>
    public const string MaxLineLength = "max-line-length";

    /// <summary>
    /// Rejects files kept in the default rejects folder: a positive integer, default 20. Each run deletes the oldest
    /// beyond that number (they hold raw input lines, learners' data), and temporaries of dead runs older than a day.
    /// </summary>
    public const string RejectsKeep = "rejects-keep";

    /// <summary>Fields desensitizing also removes, comma-separated paths (<c>context.foo, event.bar</c>).</summary>
    public const string DesensitizeDrop = "desensitize-drop";

    /// <summary>Fields desensitizing keeps although its profile removes them, comma-separated paths.</summary>
    public const string DesensitizeKeep = "desensitize-keep";

    /// <summary>
    /// The endpoint of an S3-compatible store for <c>s3://</c> inputs (<c>http://127.0.0.1:9000</c>); unset: Amazon S3
    /// itself. Credentials never go here: they come from the AWS SDK's usual chain.
    /// </summary>
    public const string S3Endpoint = "s3-endpoint";

    /// <summary>The region of <c>s3://</c> inputs (<c>eu-west-1</c>); unset: the AWS SDK's chain (<c>AWS_REGION</c>, the profile).</summary>
    public const string S3Region = "s3-region";

    /// <summary>Every known key, in the order <see cref="XAnalyticsSettings.Describe"/> lists them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        PublicDataDir, EdxDataDir, ScratchDir, OutputDir, MaxFileSize, PseudonymKeyFile, Threads, MaxLineLength, RejectsKeep, DesensitizeDrop, DesensitizeKeep, S3Endpoint, S3Region,
    ];
}
