using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Sources;

/// <summary>The planned list of input files: sorted, deterministic, checked before any reading starts.</summary>
public sealed class FileSource
{
    /// <summary>The input that means standard input: <c>-</c>.</summary>
    public const string StandardInput = "-";

    private FileSource(IReadOnlyList<SourceFile> files, int skipped, IReadOnlyList<string> notes)
    {
        Files = files;
        SkippedFiles = skipped;
        Notes = notes;
        long total = 0;
        foreach (SourceFile f in files)
        {
            total += f.Length;
        }

        TotalBytes = total;
    }

    /// <summary>The files to read, in order.</summary>
    public IReadOnlyList<SourceFile> Files { get; }

    /// <summary>
    /// Entries seen but left out: hidden ones, manifests, non-gzip with <see cref="FileSourceOptions.OnlyGzip"/>,
    /// files and directories reached a second time through links, output folders, pipes met in a tree.
    /// </summary>
    public int SkippedFiles { get; }

    /// <summary>What the plan left out that a user should hear about (a pipe in a tree, an output folder, links), one line each.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Bytes in all files, as stored (compressed for gzip).</summary>
    public long TotalBytes { get; }

    /// <summary>
    /// Raised at the start of each <see cref="Plan"/>, before anything is listed: a test counts the listings of its
    /// own inputs with it (a daily <c>--state</c> run lists its tree once). Internal; nothing in the engine listens.
    /// </summary>
    internal static event Action<FileSourceOptions>? Listing;

    /// <summary>
    /// Lists the files of the inputs: each directory's entries sorted by ordinal name, directories recursed in
    /// place, so the order is the same on every machine. Fails early, before any file is read.
    /// </summary>
    /// <exception cref="FileNotFoundException">
    /// An input does not exist (the message names it), or, with <see cref="FileSourceOptions.RequireFiles"/>, the
    /// inputs hold no file to read.
    /// </exception>
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

        Listing?.Invoke(options);

        var files = new List<SourceFile>();
        var notes = new List<string>();
        // Device and inode of every directory walked and file added (resolved full paths where statx is missing):
        // a link to a folder already walked, or to a file already listed, is not followed again.
        var seen = new HashSet<FileIdentity>();
        var seenPaths = new HashSet<string>(StringComparer.Ordinal);
        var excluded = new HashSet<FileIdentity>();
        var excludedPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (string path in options.Exclude)
        {
            excludedPaths.Add(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
            if (FileIdentity.TryGet(path, out FileIdentity id))
            {
                excluded.Add(id);
            }
        }

        int skipped = 0;
        int links = 0;
        bool standardInput = false;
        // With a plan, files are named from full paths, as the plan names them.
        IReadOnlyList<string> inputs = options.Plan is null ? options.Inputs : [.. options.Inputs.Select(static i => i == StandardInput ? i : Path.TrimEndingDirectorySeparator(Path.GetFullPath(i)))];
        foreach (string input in inputs)
        {
            if (StoreOf(input) is { } store)
            {
                ListStored(store, input);
            }
            else if (input == StandardInput)
            {
                if (standardInput)
                {
                    throw new ArgumentException("Standard input ('-') is given twice: it can be read once.", nameof(options));
                }

                standardInput = true;
                Add(input, 0);
            }
            else if (File.Exists(input))
            {
                // A file named explicitly is read even if hidden, and a named pipe is waited on, but --only-gz
                // still applies.
                if (FirstVisit(input, out _))
                {
                    Add(input, new FileInfo(input).Length);
                }
            }
            else if (Directory.Exists(input))
            {
                if (FirstVisit(input, out _))
                {
                    Walk(new DirectoryInfo(input), input);
                }
            }
            else
            {
                throw new FileNotFoundException($"Input not found: {input}", input);
            }
        }

        if (links > 0)
        {
            notes.Add($"{links} links to files or folders already read were not followed again.");
        }

        if (options.RequireFiles && files.Count == 0)
        {
            string skippedNote = skipped == 0 ? string.Empty : $" ({skipped} skipped: hidden names, manifest.json, or not .gz when only gzip is read)";
            throw new FileNotFoundException($"No input files: nothing to read in {string.Join(", ", options.Inputs)}{skippedNote}.");
        }

        if (options.Plan is { } plan)
        {
            return new FileSource(SelectPlanned(files, plan, options, notes), skipped, notes);
        }

        if (options.Shard is { Count: > 1 } shard)
        {
            var mine = new List<SourceFile>();
            foreach (SourceFile file in files)
            {
                if (shard.HoldsUnplanned(file.Index))
                {
                    mine.Add(file);
                }
            }

            return new FileSource(mine, skipped, notes);
        }

        return new FileSource(files, skipped, notes);

        IInputStore? StoreOf(string input)
        {
            foreach (IInputStore store in options.Stores)
            {
                if (store.Reads(input))
                {
                    return store;
                }
            }

            return null;
        }

        // An object store's input: its objects in name order, hidden names (a segment starting with '.' below the
        // input) and manifests left out as in a folder, each read once. A "folder" (objects sharing a prefix up to a
        // '/') holding manifest.json is held to it as a local folder is: parts present with their sizes before
        // anything is read, each part's hash checked as it is read.
        void ListStored(IInputStore store, string input)
        {
            var objects = new List<StoredObject>(store.List(input, CancellationToken.None));
            objects.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path));
            Dictionary<string, Dictionary<string, (long Bytes, string Sha256, (long Bytes, ulong Xxh3)[]? Chunks)>> manifests = StoredManifests(store, input, objects);
            foreach (StoredObject stored in objects)
            {
                string name = stored.Path[(stored.Path.LastIndexOf('/') + 1)..];
                if ((options.SkipHidden && IsHiddenStored(input, stored.Path))
                    || (options.SkipManifests && name == PartsManifest.FileName)
                    || !seenPaths.Add(stored.Path))
                {
                    skipped++;
                    continue;
                }

                var part = manifests.TryGetValue(stored.Path[..(stored.Path.Length - name.Length)], out var listed) && listed.TryGetValue(name, out var found)
                    ? found : default;
                Add(stored.Path, stored.Length, part.Sha256, part.Chunks, () => store.Open(stored));
            }
        }

        // Each stored folder's manifest (by the folder's path, ending in '/') checked against the objects directly in
        // that folder; a folder under a hidden name is not read, so its manifest is not either.
        Dictionary<string, Dictionary<string, (long Bytes, string Sha256, (long Bytes, ulong Xxh3)[]? Chunks)>> StoredManifests(IInputStore store, string input, List<StoredObject> objects)
        {
            var manifests = new Dictionary<string, Dictionary<string, (long Bytes, string Sha256, (long Bytes, ulong Xxh3)[]? Chunks)>>(StringComparer.Ordinal);
            Dictionary<string, List<(string Name, long Bytes)>>? folders = null;
            foreach (StoredObject manifest in objects)
            {
                int slash = manifest.Path.LastIndexOf('/');
                // A manifest named as the input itself is one object, as a file named explicitly is: no folder to check.
                if (!manifest.Path.AsSpan(slash + 1).SequenceEqual(PartsManifest.FileName) || manifest.Path == input
                    || (options.SkipHidden && IsHiddenStored(input, manifest.Path)))
                {
                    continue;
                }

                if (folders is null)
                {
                    // The objects directly in each folder, found in one pass once a manifest is met.
                    folders = new Dictionary<string, List<(string Name, long Bytes)>>(StringComparer.Ordinal);
                    foreach (StoredObject o in objects)
                    {
                        int end = o.Path.LastIndexOf('/') + 1;
                        string parent = o.Path[..end];
                        if (!folders.TryGetValue(parent, out List<(string Name, long Bytes)>? inParent))
                        {
                            folders[parent] = inParent = [];
                        }

                        inParent.Add((o.Path[end..], o.Length));
                    }
                }

                string folder = manifest.Path[..(slash + 1)];
                byte[] bytes;
                using (Stream stream = store.Open(manifest))
                using (var buffer = new MemoryStream())
                {
                    stream.CopyTo(buffer);
                    bytes = buffer.ToArray();
                }

                manifests[folder] = ManifestCheck.Verify(folder.TrimEnd('/'), manifest.Path, bytes, folders[folder]);
            }

            return manifests;
        }

        // Whether the path leads to something not met before (and not excluded), recording it.
        bool FirstVisit(string path, out FileIdentity identity)
        {
            if (FileIdentity.TryGet(path, out identity))
            {
                return !excluded.Contains(identity) && seen.Add(identity);
            }

            string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
            string real = new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
            return !excludedPaths.Contains(full) && !excludedPaths.Contains(real) && seenPaths.Add(real);
        }

        void Walk(DirectoryInfo dir, string prefix)
        {
            FileSystemInfo[] entries = dir.GetFileSystemInfos();
            Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            Dictionary<string, (long Bytes, string Sha256, (long Bytes, ulong Xxh3)[]? Chunks)>? manifest = ManifestCheck.Verify(dir, entries);
            foreach (FileSystemInfo entry in entries)
            {
                if ((options.SkipHidden && entry.Name.StartsWith('.'))
                    || (options.SkipManifests && entry is FileInfo && entry.Name == PartsManifest.FileName))
                {
                    skipped++;
                    continue;
                }

                string path = Path.Combine(prefix, entry.Name);
                if (excludedPaths.Contains(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path))))
                {
                    skipped++;
                    continue;
                }

                if (entry is DirectoryInfo sub)
                {
                    if (!FirstVisit(path, out _))
                    {
                        // A link back up the tree, or a second way to a folder: each folder is walked once.
                        skipped++;
                        links += entry.LinkTarget is null ? 0 : 1;
                        continue;
                    }

                    if (options.SkipManifests && File.Exists(Path.Combine(path, PartsManifest.FileName)))
                    {
                        // Parts written by a command (perhaps this one, into the tree it reads) are output, not input.
                        skipped++;
                        notes.Add($"skipped {path}: an output folder (it holds {PartsManifest.FileName}); name it as an input to read it.");
                        continue;
                    }

                    Walk(sub, path);
                }
                else if (entry is FileInfo file)
                {
                    if (!FirstVisit(path, out FileIdentity identity))
                    {
                        skipped++;
                        links += entry.LinkTarget is null ? 0 : 1;
                        continue;
                    }

                    if (identity.Type != 0 && !identity.IsRegularFile)
                    {
                        // A pipe, socket or device met in a tree would hang or never end the run: not waited on.
                        skipped++;
                        notes.Add($"skipped {path}: {(identity.IsFifo ? "a named pipe" : "not a regular file")}; name it as an input to read it.");
                        continue;
                    }

                    var listed = manifest is not null && manifest.TryGetValue(entry.Name, out var found) ? found : default;
                    Add(path, file.Length, listed.Sha256, listed.Chunks);
                }
            }
        }

        void Add(string path, long length, string? sha256 = null, (long Bytes, ulong Xxh3)[]? chunks = null, Func<Stream>? openStored = null)
        {
            bool gz = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
            if (options.OnlyGzip && !gz && path != StandardInput)
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
            files.Add(new SourceFile(path, files.Count, length, format) { ManifestHash = sha256, ManifestChunks = chunks, OpenStored = openStored });
        }
    }

    /// <summary>Whether a stored object is hidden: a segment of its name below <paramref name="input"/> starts with a dot.</summary>
    private static bool IsHiddenStored(string input, string path)
    {
        string relative = path.Length > input.Length && path.StartsWith(input, StringComparison.Ordinal)
            ? path[input.Length..] : path[(path.LastIndexOf('/') + 1)..];
        return relative.StartsWith('.') || relative.Contains("/.", StringComparison.Ordinal);
    }

    /// <summary>
    /// The files of this listing whose full paths are in <paramref name="fullPaths"/>, in the same order, each keeping
    /// its index in the whole listing (so what depends on input order comes out as in a run over everything), with the
    /// same notes: a daily run's new files (<c>--state</c>) read without listing the inputs again.
    /// </summary>
    public FileSource Only(IReadOnlySet<string> fullPaths)
    {
        ArgumentNullException.ThrowIfNull(fullPaths);
        var kept = new List<SourceFile>();
        foreach (SourceFile file in Files)
        {
            if (fullPaths.Contains(file.Path == StandardInput ? file.Path : Path.GetFullPath(file.Path)))
            {
                kept.Add(file);
            }
        }

        return new FileSource(kept, SkippedFiles, Notes);
    }

    /// <summary>The plan's files of the selected shard, found among the files listed now, each at its planned index.</summary>
    private static List<SourceFile> SelectPlanned(List<SourceFile> listed, ShardPlan plan, FileSourceOptions options, List<string> notes)
    {
        ShardSelection shard = options.Shard
            ?? throw new ArgumentException($"A plan needs a shard: give --shard i/{plan.Shards}.", nameof(options));
        if (shard.Count != plan.Shards)
        {
            throw new ArgumentException($"--shard {shard} does not fit the plan, which has {plan.Shards} shards (plan {plan.Id}).", nameof(options));
        }

        bool sameInputs = plan.Inputs.Count == options.Inputs.Count;
        for (int i = 0; sameInputs && i < plan.Inputs.Count; i++)
        {
            sameInputs = string.Equals(plan.Inputs[i], Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.Inputs[i])), StringComparison.Ordinal);
        }

        if (!sameInputs)
        {
            throw new ArgumentException($"The inputs ({string.Join(", ", options.Inputs)}) are not the plan's ({string.Join(", ", plan.Inputs)}): name the plan's inputs.", nameof(options));
        }

        var byPath = new Dictionary<string, SourceFile>(listed.Count, StringComparer.Ordinal);
        foreach (SourceFile file in listed)
        {
            byPath[file.Path] = file;
        }

        var mine = new List<SourceFile>();
        for (int i = 0; i < plan.Files.Count; i++)
        {
            PlannedFile planned = plan.Files[i];
            if (!byPath.Remove(planned.Path, out SourceFile? found))
            {
                throw new FileNotFoundException($"A file of the plan is gone (or now skipped): {planned.Path} (plan {plan.Id}).", planned.Path);
            }

            if (found.Length != planned.Bytes)
            {
                throw new InvalidDataException($"A file of the plan changed size: {planned.Path} held {planned.Bytes} bytes when the plan was made and holds {found.Length} now (plan {plan.Id}); make a new plan.");
            }

            if (planned.Shard == shard.Index)
            {
                mine.Add(found with { Index = i });
            }
        }

        if (byPath.Count > 0)
        {
            notes.Add($"{byPath.Count} files not in the plan were left out (arrived after it was made).");
        }

        return mine;
    }
}
