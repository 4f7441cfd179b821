namespace XAnalytics.Pipeline;

/// <summary>Thrown by a strict run at the first file that cannot be read to its end.</summary>
public sealed class BadFileException : IOException
{
    /// <summary>Creates the exception for <paramref name="file"/>.</summary>
    public BadFileException(BadFile file)
        : base($"{file?.File.Path}: {file?.Reason} (after {file?.LinesBeforeFault} good lines)")
        => File = file ?? throw new ArgumentNullException(nameof(file));

    /// <summary>The file and what is wrong with it.</summary>
    public BadFile File { get; }
}
