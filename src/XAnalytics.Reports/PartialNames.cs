using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// The usernames of a section's partial state whose partial numbers them in a <see cref="UsernameTable"/> (ids only
/// meaningful in one process): written once each as a table in ordinal order, which entries point into by position,
/// and added to the reading partial's table by name (as the sections' own <c>Merge</c> adds another partial's).
/// </summary>
internal static class PartialNames
{
    /// <summary>Writes the names of the ids in <paramref name="used"/>; returns each id's position (-1: not written).</summary>
    public static int[] Write(PartialWriter writer, UsernameTable names, HashSet<int> used)
    {
        var sorted = new List<string>(used.Count);
        foreach (int id in used)
        {
            sorted.Add(names.Name(id));
        }

        sorted.Sort(string.CompareOrdinal);
        // Two ids can carry one name (bytes that were not valid UTF-8): one entry, as a merge by name makes them.
        var byName = new Dictionary<string, int>(sorted.Count, StringComparer.Ordinal);
        var distinct = new List<string>(sorted.Count);
        foreach (string name in sorted)
        {
            if (byName.TryAdd(name, distinct.Count))
            {
                distinct.Add(name);
            }
        }

        writer.WriteUInt((ulong)distinct.Count);
        foreach (string name in distinct)
        {
            writer.WriteString(name);
        }

        int[] positions = new int[names.Count];
        Array.Fill(positions, -1);
        foreach (int id in used)
        {
            positions[id] = byName[names.Name(id)];
        }

        return positions;
    }

    /// <summary>Reads what <see cref="Write"/> wrote into <paramref name="names"/>; returns the id there of each position.</summary>
    public static int[] Read(PartialReader reader, UsernameTable names)
    {
        int n = reader.ReadCount();
        int[] ids = new int[n];
        for (int i = 0; i < n; i++)
        {
            ids[i] = names.Add(reader.ReadString());
        }

        return ids;
    }

    /// <summary>The id at <paramref name="position"/> of a table <see cref="Read"/> returned.</summary>
    public static int At(int[] ids, int position, PartialReader reader)
        => position < ids.Length ? ids[position] : throw reader.Corrupt($"name {position} of {ids.Length}");
}
