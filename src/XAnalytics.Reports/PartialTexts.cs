using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// The texts of a section's partial state (usernames, module ids), written once each as a table that the state's
/// entries point into by position: the text with its XxHash3 (seed 0, the same in every process: the key a section's
/// tables hold, kept as it is so that texts whose bytes were not valid UTF-8 stay apart as they do in one process).
/// </summary>
internal static class PartialTexts
{
    /// <summary>
    /// The text hashes <paramref name="records"/> name (read bucket by bucket; the partial stays as it is): what a
    /// partial whose texts are the run's shared table (<see cref="SharedTexts"/>) writes, its own and no others.
    /// </summary>
    public static HashSet<ulong> Used<T>(HeldRecords<T> records, Func<T, ulong> text)
        where T : unmanaged
    {
        var bucket = new RecordBuffer<T>();
        var used = new HashSet<ulong>();
        for (int b = 0; b < LearnerBuckets.Count; b++)
        {
            bucket.Clear();
            records.ReadBucket(b, bucket);
            foreach (T record in bucket.Span)
            {
                used.Add(text(record));
            }
        }

        return used;
    }

    /// <summary>
    /// Writes the texts of the hashes in <paramref name="used"/>, by hash (so the bytes do not depend on the order
    /// threads met them); returns each hash's position in what was written.
    /// </summary>
    public static Dictionary<ulong, int> Write(PartialWriter writer, Func<ulong, string> names, HashSet<ulong> used)
    {
        ulong[] hashes = [.. used];
        Array.Sort(hashes);
        var positions = new Dictionary<ulong, int>(hashes.Length);
        writer.WriteUInt((ulong)hashes.Length);
        for (int i = 0; i < hashes.Length; i++)
        {
            writer.WriteFixed64(hashes[i]);
            writer.WriteString(names(hashes[i]));
            positions[hashes[i]] = i;
        }

        return positions;
    }

    /// <summary>Reads what <see cref="Write"/> wrote, handing each text with its hash to <paramref name="add"/>; returns the hash at each position.</summary>
    public static ulong[] Read(PartialReader reader, Action<ulong, string> add)
    {
        int n = reader.ReadCount();
        ulong[] hashes = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            ulong hash = reader.ReadFixed64();
            if (i > 0 && hash <= hashes[i - 1])
            {
                throw reader.Corrupt("texts out of order");
            }

            hashes[i] = hash;
            add(hash, reader.ReadString());
        }

        return hashes;
    }

    /// <summary>The hash at <paramref name="position"/> of a table <see cref="Read"/> returned.</summary>
    public static ulong At(ulong[] hashes, int position, PartialReader reader)
        => position < hashes.Length ? hashes[position] : throw reader.Corrupt($"text {position} of {hashes.Length}");
}
