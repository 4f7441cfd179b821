using System.Text;

namespace XAnalytics.Tests.TestSupport;

/// <summary>A temporary directory for one test's fixtures, deleted (permissions restored first) on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Root = Directory.CreateTempSubdirectory("xanalytics-tests-").FullName;

    public string Root { get; }

    public string PathOf(string relativePath) => System.IO.Path.Combine(Root, relativePath);

    public string WriteBytes(string relativePath, byte[] bytes)
    {
        string path = PathOf(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string WriteText(string relativePath, string text) => WriteBytes(relativePath, Encoding.UTF8.GetBytes(text));

    /// <summary>Writes <paramref name="text"/> as a one-member gzip file made by the runtime's <c>GZipStream</c>.</summary>
    public string WriteGzip(string relativePath, string text) => WriteBytes(relativePath, Gzip.Compress(Encoding.UTF8.GetBytes(text)));

    /// <summary>Every file under the directory, relative, sorted (hidden ones included).</summary>
    public IReadOnlyList<string> ListFiles()
    {
        var files = new List<string>();
        foreach (string path in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
        {
            files.Add(System.IO.Path.GetRelativePath(Root, path));
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    public void Dispose()
    {
        if (!OperatingSystem.IsWindows())
        {
            // Links are skipped, not followed: a link back up the tree (a test of link cycles) would never end.
            var all = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
            foreach (string path in Directory.EnumerateFileSystemEntries(Root, "*", all))
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        Directory.Delete(Root, recursive: true);
    }
}
