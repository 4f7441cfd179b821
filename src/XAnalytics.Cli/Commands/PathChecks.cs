namespace XAnalytics.Cli.Commands;

/// <summary>
/// Checks of the files a command line names, before anything is read, so a directory or an unreadable file is a
/// usage error naming the option (exit 2), not an I/O exception's text halfway through a run.
/// </summary>
internal static class PathChecks
{
    /// <summary>The file, checked to exist, to be a file and to open for reading.</summary>
    /// <exception cref="ArgumentException">It does not, with a message naming <paramref name="option"/> and the path.</exception>
    public static string ReadableFile(FileInfo file, string option)
    {
        string path = file.FullName;
        if (Directory.Exists(path))
        {
            throw new ArgumentException($"{option} {path} is a directory, not a file.");
        }

        if (!File.Exists(path))
        {
            throw new ArgumentException($"{option} {path}: no such file.");
        }

        try
        {
            using FileStream stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{option} {path} cannot be read: {e.Message}");
        }

        return path;
    }

    /// <summary>A file the command will write: not a directory.</summary>
    /// <exception cref="ArgumentException">It is a directory.</exception>
    public static string WritableFile(FileInfo file, string option)
    {
        string path = file.FullName;
        return Directory.Exists(path) ? throw new ArgumentException($"{option} {path} is a directory; name a file.") : path;
    }
}
