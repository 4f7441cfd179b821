using XAnalytics.Formats;

namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="ModuleEngagementSection"/>: one per worker thread.</summary>
public sealed class ModuleEngagementPartial
{
    internal ModuleEngagementPartial(BucketSpill<ModuleEngagementRecord> spill, int tableCapacity, int blockRecords, SharedTexts usernames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tableCapacity, 1);
        Users = new EdxStringTable(usernames);
        Records = new HeldRecords<ModuleEngagementRecord>(spill, blockRecords);
        TableCapacity = tableCapacity;
    }

    /// <summary>
    /// Interactions per key since the table last emptied: at most <see cref="TableCapacity"/> keys, then handed to
    /// <see cref="Records"/> (so a key repeated within a run of events is one record, and the table's size is bounded).
    /// </summary>
    internal Dictionary<ModuleEngagementKey, long> Counts { get; } = [];

    /// <summary>The keys the table may hold before it empties into <see cref="Records"/>.</summary>
    internal int TableCapacity { get; }

    /// <summary>The counts handed over from the table, by learner bucket: held in blocks, the full ones written to the section's scratch files.</summary>
    internal HeldRecords<ModuleEngagementRecord> Records { get; }

    /// <summary>The courses with a count, by id (one bit each).</summary>
    internal CourseSet Courses { get; } = new();

    /// <summary>Usernames by hash (the run's table, shared by the learner sections and their workers).</summary>
    internal EdxStringTable Users { get; }

    /// <summary>Entity ids by hash.</summary>
    internal EdxStringTable Entities { get; } = new();

    /// <summary>The last UTC day of any kept event (the week of the metric ranges ends on it without <c>--to</c>).</summary>
    internal int MaxDay { get; set; } = int.MinValue;

    internal byte[] UserBuffer { get; set; } = new byte[64];

    internal byte[] EntityBuffer { get; set; } = new byte[256];

    /// <summary>Adds <paramref name="count"/> interactions under <paramref name="key"/>, emptying the table into the records when it is full.</summary>
    internal void Add(in ModuleEngagementKey key, long count)
    {
        System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(Counts, key, out bool exists) += count;
        if (!exists)
        {
            Courses.Mark(key.Course);
            if (Counts.Count >= TableCapacity)
            {
                Flush();
            }
        }
    }

    /// <summary>Hands the table's counts to their learner buckets and empties it (its storage kept).</summary>
    internal void Flush()
    {
        foreach (KeyValuePair<ModuleEngagementKey, long> kv in Counts)
        {
            Records.Add(LearnerBuckets.Of((long)kv.Key.User), new ModuleEngagementRecord(kv.Key, kv.Value));
        }

        Counts.Clear();
    }
}
