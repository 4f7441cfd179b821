using System.Text.Json;
using XAnalytics.Pipeline;

namespace XAnalytics.Sources;

/// <summary>
/// Holds a parts folder to its <c>manifest.json</c> before anything is read: every listed part present with its
/// size, no <c>part-*</c> file it does not list. The SHA-256s are checked later, while the parts are read.
/// </summary>
internal static class ManifestCheck
{
    /// <summary>
    /// The listed parts by name when <paramref name="entries"/> (a folder's, sorted) hold a manifest; null when not.
    /// </summary>
    /// <exception cref="FormatException">The folder does not match its manifest (the message says how).</exception>
    public static Dictionary<string, (long Bytes, string Sha256, (long Bytes, ulong Xxh3)[]? Chunks)>? Verify(DirectoryInfo dir, FileSystemInfo[] entries)
    {
        FileInfo? manifestFile = null;
        foreach (FileSystemInfo entry in entries)
        {
            if (entry is FileInfo f && f.Name == PartsManifest.FileName)
            {
                manifestFile = f;
            }
        }

        if (manifestFile is null)
        {
            return null;
        }

        var files = new List<(string Name, long Bytes)>(entries.Length);
        foreach (FileSystemInfo entry in entries)
        {
            if (entry is FileInfo file)
            {
                files.Add((file.Name, file.Length));
            }
        }

        return Verify(dir.FullName, manifestFile.FullName, File.ReadAllBytes(manifestFile.FullName), files);
    }

    /// <summary>
    /// The listed parts by name of the manifest <paramref name="manifestBytes"/> (named <paramref name="manifestPath"/>
    /// in messages) of the folder <paramref name="folder"/>, whose files (name without folder, size) are
    /// <paramref name="files"/>: a local folder's, or the objects directly under an object store's prefix.
    /// </summary>
    /// <exception cref="FormatException">The folder does not match its manifest (the message says how).</exception>
    public static Dictionary<string, (long Bytes, string Sha256, (long Bytes, ulong Xxh3)[]? Chunks)> Verify(string folder, string manifestPath, byte[] manifestBytes, IReadOnlyList<(string Name, long Bytes)> files)
    {
        var listed = new Dictionary<string, (long Bytes, string Sha256, (long Bytes, ulong Xxh3)[]? Chunks)>(StringComparer.Ordinal);
        string? chunkMismatch = null;
        try
        {
            using JsonDocument manifest = JsonDocument.Parse(manifestBytes);
            foreach (JsonElement part in manifest.RootElement.GetProperty("parts").EnumerateArray())
            {
                string name = part.GetProperty("name").GetString() ?? throw new FormatException("a part without a name");
                // The fast XXH3 where the writer recorded it (SHA-256 cost a BSON re-read a third of its time), else SHA-256.
                string hash = part.TryGetProperty("xxh3", out JsonElement xxh3) && xxh3.GetString() is { Length: 16 } fast
                    ? "xxh3:" + fast
                    : part.GetProperty("sha256").GetString() ?? string.Empty;
                long bytes = part.GetProperty("bytes").GetInt64();
                (long Bytes, ulong Xxh3)[]? list = null;
                if (part.TryGetProperty("chunks", out JsonElement chunks))
                {
                    // Optional (written since per-chunk hashes): each chunk's length and XXH3; they must add up to the part.
                    long sum = 0;
                    list = new (long Bytes, ulong Xxh3)[chunks.GetArrayLength()];
                    int c = 0;
                    foreach (JsonElement chunk in chunks.EnumerateArray())
                    {
                        long chunkBytes = chunk.GetProperty("bytes").GetInt64();
                        if (chunkBytes <= 0 || chunk.GetProperty("xxh3").GetString() is not { Length: 16 } chunkHash
                            || !ulong.TryParse(chunkHash, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out ulong xxh3Value))
                        {
                            throw new FormatException($"{name} lists a chunk that is not a positive length with a 16-digit xxh3");
                        }

                        list[c++] = (chunkBytes, xxh3Value);
                        sum += chunkBytes;
                    }

                    if (sum != bytes)
                    {
                        chunkMismatch ??= $"{folder}: {name}'s chunks in its manifest.json add up to {sum} bytes, the part is {bytes}; nothing was read.";
                    }
                }

                listed[name] = (bytes, hash, list);
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"{manifestPath} cannot be read as a parts manifest: {e.Message}", e);
        }

        if (chunkMismatch is not null)
        {
            throw new FormatException(chunkMismatch);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string name, long bytes) in files)
        {
            if (!name.StartsWith("part-", StringComparison.Ordinal))
            {
                continue;
            }

            if (!listed.TryGetValue(name, out var expected))
            {
                throw new FormatException($"{folder}: {name} is not in its manifest.json (a part of another run?); nothing was read.");
            }

            if (bytes != expected.Bytes)
            {
                throw new FormatException($"{folder}: {name} has {bytes} bytes, its manifest.json says {expected.Bytes}; nothing was read.");
            }

            seen.Add(name);
        }

        foreach (string name in listed.Keys)
        {
            if (!seen.Contains(name))
            {
                throw new FormatException($"{folder}: {name}, listed in its manifest.json, is missing; nothing was read.");
            }
        }

        return listed;
    }
}
