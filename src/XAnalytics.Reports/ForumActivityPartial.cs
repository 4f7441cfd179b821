using System.Runtime.InteropServices;

namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="ForumActivitySection"/>: one per worker thread.</summary>
public sealed class ForumActivityPartial
{
    internal ForumActivityPartial(BucketSpill<ForumActivityRecord> spill, int tableCapacity, int blockRecords, SharedTexts usernames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tableCapacity, 1);
        Users = new EdxStringTable(usernames);
        Records = new HeldRecords<ForumActivityRecord>(spill, blockRecords);
        TableCapacity = tableCapacity;
    }

    /// <summary>
    /// Counts per (course, UTC day) and username hash (<see cref="PackedKey"/>: <see cref="PackedKey.Pack"/> of the
    /// course and day, then the hash) since the table last emptied: at most <see cref="TableCapacity"/> keys, then handed
    /// to <see cref="Records"/>. A key with zero counts is a learner edX lists with zeros.
    /// </summary>
    internal Dictionary<PackedKey, ForumCounts> Days { get; } = [];

    /// <summary>The keys <see cref="Days"/> may hold before it empties into <see cref="Records"/>.</summary>
    internal int TableCapacity { get; }

    /// <summary>The counts handed over from the table, by learner bucket: held in blocks, the full ones written to the section's scratch files.</summary>
    internal HeldRecords<ForumActivityRecord> Records { get; }

    /// <summary>The courses with a row.</summary>
    internal HashSet<int> Courses { get; } = [];

    /// <summary>Usernames by hash (the run's table, shared by the learner sections and their workers).</summary>
    internal EdxStringTable Users { get; }

    internal EdxEventDataCheck EventData { get; } = new();

    /// <summary>The last UTC day of any event kept by the report (<see cref="int.MinValue"/> before the first).</summary>
    internal int LastDay { get; set; } = int.MinValue;

    /// <summary>A buffer for usernames written with escapes (rare).</summary>
    internal byte[] Unescaped { get; set; } = new byte[256];

    /// <summary>Adds <paramref name="counts"/> to the learner's row of the course and day, emptying the table into the records when it is full.</summary>
    internal void Add(int day, int course, ulong user, in ForumCounts counts)
    {
        CollectionsMarshal.GetValueRefOrAddDefault(Days, new PackedKey(PackedKey.Pack(course, day), (long)user), out bool exists).Add(counts);
        if (!exists)
        {
            Courses.Add(course);
            if (Days.Count >= TableCapacity)
            {
                Flush();
            }
        }
    }

    /// <summary>Hands the table's counts to their learner buckets and empties it (its storage kept).</summary>
    internal void Flush()
    {
        foreach (KeyValuePair<PackedKey, ForumCounts> kv in Days)
        {
            Records.Add(LearnerBuckets.Of(kv.Key.Low), new ForumActivityRecord(PackedKey.LowHalf(kv.Key.High), PackedKey.HighHalf(kv.Key.High), (ulong)kv.Key.Low, kv.Value));
        }

        Days.Clear();
    }
}
