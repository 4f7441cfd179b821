namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="WeeklyActivityReport"/>: one per worker thread.</summary>
public sealed class WeeklyActivityPartial
{
    /// <summary>
    /// The bit of a key's second half that marks a (course, day, user) key (<see cref="DailyKey"/>); a weekly key's
    /// second half is below 2^26 (a day number below 2^22 shifted past a label's four bits).
    /// </summary>
    internal const int DailyFlag = 1 << 30;

    internal WeeklyActivityPartial(BucketSpill<PackedKey> spill, int tableCapacity, int blockRecords)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tableCapacity, 1);
        Records = new HeldRecords<PackedKey>(spill, blockRecords);
        TableCapacity = tableCapacity;
    }

    /// <summary>
    /// The (course, week, label, user) and (course, day, user) keys seen since the table last emptied: at most
    /// <see cref="TableCapacity"/>, then handed to <see cref="Records"/> (so a key repeated within a run of events is
    /// one record, and the table's size is bounded). A key may be handed over more than once: the end of the run dedups.
    /// </summary>
    internal HashSet<PackedKey> Seen { get; } = [];

    /// <summary>The keys <see cref="Seen"/> may hold before it empties into <see cref="Records"/>.</summary>
    internal int TableCapacity { get; }

    /// <summary>The keys handed over from the table, by learner bucket: held in blocks, the full ones written to the section's scratch files.</summary>
    internal HeldRecords<PackedKey> Records { get; }

    // The last (user, course, day) added and the labels added for it; User 0 never matches a counted event.
    internal long LastUser { get; set; }

    internal int LastCourse { get; set; } = -1;

    internal int LastDay { get; set; }

    internal ActivityLabels LastLabels { get; set; }

    /// <summary>Adds a key (<see cref="WeeklyKey"/> or <see cref="DailyKey"/>), emptying the table into the records when it is full.</summary>
    internal void Add(in PackedKey key)
    {
        if (Seen.Add(key) && Seen.Count >= TableCapacity)
        {
            Flush();
        }
    }

    /// <summary>Hands the table's keys to their learner buckets and empties it (its storage kept).</summary>
    internal void Flush()
    {
        foreach (PackedKey key in Seen)
        {
            Records.Add(LearnerBuckets.Of(key.Low), key);
        }

        Seen.Clear();
    }

    /// <summary>
    /// A (course, week, label, user) key: the course in the upper half of the first word, the week's day number (below
    /// 2^22 for any <see cref="DateOnly"/>) shifted past the label's four bits in the lower.
    /// </summary>
    internal static PackedKey WeeklyKey(int course, int week, ActivityLabels label, long user)
        => new(PackedKey.Pack(course, (week << 4) | (int)label), user);

    /// <summary>A (course, day, user) key: the day with <see cref="DailyFlag"/> in the lower half of the first word.</summary>
    internal static PackedKey DailyKey(int course, int day, long user) => new(PackedKey.Pack(course, DailyFlag | day), user);

    /// <summary>True for a key made by <see cref="DailyKey"/>.</summary>
    internal static bool IsDaily(long high) => (PackedKey.LowHalf(high) & DailyFlag) != 0;
}
