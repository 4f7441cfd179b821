namespace XAnalytics.Settings;

/// <summary>
/// A configuration problem: a required key nobody set, a YAML file that does not parse, a value of the wrong
/// type, or a named configuration file that does not exist. The message is meant for the user as it stands.
/// </summary>
public sealed class SettingsException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SettingsException()
        : base("Invalid XAnalytics settings.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">The message shown to the user.</param>
    public SettingsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">The message shown to the user.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public SettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal SettingsException(string message, string? key, string? filePath, int? line, int? column, Exception? innerException = null)
        : base(message, innerException)
    {
        Key = key;
        FilePath = filePath;
        Line = line;
        Column = column;
    }

    /// <summary>The setting the problem is about, or <see langword="null"/> when it concerns a whole file.</summary>
    public string? Key { get; }

    /// <summary>The configuration file the problem was found in, or <see langword="null"/> when it did not come from a file.</summary>
    public string? FilePath { get; }

    /// <summary>The 1-based line in <see cref="FilePath"/>, when known.</summary>
    public int? Line { get; }

    /// <summary>The 1-based column in <see cref="FilePath"/>, when known.</summary>
    public int? Column { get; }
}
