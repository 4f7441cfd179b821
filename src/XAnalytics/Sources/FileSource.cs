using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Sources;

/// <summary>The planned list of input files: sorted, deterministic, checked before any reading starts.</summary>
public sealed class FileSource
{
    private FileSource(IReadOnlyList<SourceFile> files, int skipped)
    {
        Files = files;
        SkippedFiles = skipped;
        long total = 0;
        foreach (SourceFile f in files)
        {
            total += f.Length;
        }

        TotalBytes = total;
    }

    /// <summary>The files to read, in order.</summary>
    public IReadOnlyList<SourceFile> Files { get; }

    /// <summary>Files seen but left out (non-gzip with <see cref="FileSourceOptions.OnlyGzip"/>).</summary>
    public int SkippedFiles { get; }

    /// <summary>Bytes in all files, as stored (compressed for gzip).</summary>
    public long TotalBytes { get; }

    /// <summary>
    /// Lists the files of the inputs: each directory's entries sorted by ordinal name, directories recursed in
    /// place, so the order is the same on every machine. Fails early, before any file is read.
    /// </summary>
    /// <exception cref="FileNotFoundException">An input does not exist (the message names it).</exception>
    /// <exception cref="ArgumentException">No inputs were given.</exception>
    /// <exception cref="FormatException">
    /// A folder's <c>manifest.json</c> does not match its parts: a part missing, a <c>part-*</c> file it does not list,
    /// a size that differs, or a manifest that cannot be read (the message names the folder and the file). Each
    /// listed part's SHA-256 is then checked as it is read: a mismatch makes it a bad file.
    /// </exception>
    public static FileSource Plan(FileSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Inputs.Count == 0)
        {
            throw new ArgumentException("No input given: name at least one file or directory.", nameof(options));
        }

        var files = new List<SourceFile>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        int skipped = 0;
        foreach (string input in options.Inputs)
        {
            if (File.Exists(input))
            {
                // A file named explicitly is read even if hidden, but --only-gz still applies.
                Add(input, new FileInfo(input).Length);
            }
            else if (Directory.Exists(input))
            {
                visited.Add(Path.GetFullPath(input));
                Walk(new DirectoryInfo(input), input);
            }
            else
            {
                throw new FileNotFoundException($"Input not found: {input}", input);
            }
        }

        return new FileSource(files, skipped);

        void Walk(DirectoryInfo dir, string prefix)
        {
            FileSystemInfo[] entries = dir.GetFileSystemInfos();
            Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            Dictionary<string, (long Bytes, string Sha256)>? manifest = ManifestCheck.Verify(dir, entries);
            foreach (FileSystemInfo entry in entries)
            {
                if ((options.SkipHidden && entry.Name.StartsWith('.'))
                    || (options.SkipManifests && entry is FileInfo && entry.Name == PartsManifest.FileName))
                {
                    skipped++;
                    continue;
                }

                string path = Path.Combine(prefix, entry.Name);
                if (entry is DirectoryInfo sub)
                {
                    // Symbolic links are followed, once: a link back up the tree must not loop.
                    string real = sub.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? sub.FullName;
                    if (visited.Add(real))
                    {
                        Walk(sub, path);
                    }
                }
                else if (entry is FileInfo file)
                {
                    Add(path, file.Length, manifest is not null && manifest.TryGetValue(entry.Name, out var listed) ? listed.Sha256 : null);
                }
            }
        }

        void Add(string path, long length, string? sha256 = null)
        {
            bool gz = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
            if (options.OnlyGzip && !gz)
            {
                skipped++;
                return;
            }

            bool bson = options.Format switch
            {
                InputFormat.Bson => true,
                InputFormat.Json => false,
                _ => path.EndsWith(".bson", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".bson.gz", StringComparison.OrdinalIgnoreCase),
            };
            SourceFormat format = bson
                ? (gz ? SourceFormat.BsonGzip : SourceFormat.Bson)
                : (gz ? SourceFormat.GzipJsonLines : SourceFormat.JsonLines);
            files.Add(new SourceFile(path, files.Count, length, format) { ManifestSha256 = sha256 });
        }
    }
}
