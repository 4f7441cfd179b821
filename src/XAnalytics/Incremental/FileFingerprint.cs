using System.Globalization;
using System.IO.Hashing;

namespace XAnalytics.Incremental;

/// <summary>
/// What a daily run remembers of an input file it folded into its state: the full path, the size, the modification
/// time and an XXH128 of its first and last 64 KiB. A rotated tracking log never changes again; one that does (or is
/// gone) no longer is what the state holds.
/// </summary>
/// <param name="Path">The full path.</param>
/// <param name="Bytes">The size in bytes.</param>
/// <param name="ModifiedUtc">The last write time, UTC, as ISO 8601 (round-trip form).</param>
/// <param name="Hash">XXH128 (hex) of the first 64 KiB and the last 64 KiB (the whole file when smaller).</param>
public sealed record FileFingerprint(string Path, long Bytes, string ModifiedUtc, string Hash)
{
    private const int EdgeBytes = 64 * 1024;

    /// <summary>Takes the fingerprint of the file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file is gone.</exception>
    public static FileFingerprint Of(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{full} is gone.", full);
        }

        var hash = new XxHash128();
        byte[] buffer = new byte[EdgeBytes];
        using (FileStream stream = File.OpenRead(full))
        {
            long length = stream.Length;
            int head = stream.ReadAtLeast(buffer, (int)Math.Min(EdgeBytes, length), throwOnEndOfStream: false);
            hash.Append(buffer.AsSpan(0, head));
            if (length > EdgeBytes)
            {
                long tailStart = Math.Max(EdgeBytes, length - EdgeBytes);
                stream.Position = tailStart;
                int tail = stream.ReadAtLeast(buffer, (int)(length - tailStart), throwOnEndOfStream: false);
                hash.Append(buffer.AsSpan(0, tail));
            }

            return new FileFingerprint(
                full, length, info.LastWriteTimeUtc.ToString("O", CultureInfo.InvariantCulture), Convert.ToHexStringLower(hash.GetCurrentHash()));
        }
    }
}
