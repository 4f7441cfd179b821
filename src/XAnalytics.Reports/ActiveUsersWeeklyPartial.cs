namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="ActiveUsersWeeklySection"/>: one per worker thread.</summary>
public sealed class ActiveUsersWeeklyPartial
{
    internal ActiveUsersWeeklyPartial(BucketSpill<PackedKey> spill, int tableCapacity, int blockRecords, SharedTexts usernames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tableCapacity, 1);
        Names = new EdxStringTable(usernames);
        Records = new HeldRecords<PackedKey>(spill, blockRecords);
        TableCapacity = tableCapacity;
    }

    /// <summary>
    /// (Monday's day number, username hash) pairs seen since the table last emptied, as <see cref="PackedKey"/>s
    /// (<see cref="PackedKey.High"/> the week): at most <see cref="TableCapacity"/>, then handed to <see cref="Records"/>.
    /// A pair may be handed over more than once: the end of the run dedups.
    /// </summary>
    internal HashSet<PackedKey> Active { get; } = [];

    /// <summary>The pairs <see cref="Active"/> may hold before it empties into <see cref="Records"/>.</summary>
    internal int TableCapacity { get; }

    /// <summary>The pairs handed over from the table, by learner bucket: held in blocks, the full ones written to the section's scratch files.</summary>
    internal HeldRecords<PackedKey> Records { get; }

    /// <summary>Adds a pair, emptying the table into the records when it is full; false when the table held it already.</summary>
    internal bool Add(in PackedKey pair)
    {
        if (!Active.Add(pair))
        {
            return false;
        }

        if (Active.Count >= TableCapacity)
        {
            Flush();
        }

        return true;
    }

    /// <summary>Hands the table's pairs to their learner buckets and empties it (its storage kept).</summary>
    internal void Flush()
    {
        foreach (PackedKey pair in Active)
        {
            Records.Add(LearnerBuckets.Of(pair.Low), pair);
        }

        Active.Clear();
    }

    /// <summary>The usernames by hash (the run's table, shared by the learner sections and their workers).</summary>
    internal EdxStringTable Names { get; }

    /// <summary>A buffer for unescaping usernames.</summary>
    internal byte[] Scratch { get; set; } = new byte[64];

    // The last pair added: a learner's events come in runs, which spares most set probes.
    internal int LastWeek { get; set; } = int.MinValue;

    internal ulong LastUser { get; set; }

    // The last pair's username as written in its line (escapes and all); length -1 when unknown.
    private byte[] _lastWritten = new byte[64];
    private int _lastWrittenLength = -1;

    /// <summary>True when <paramref name="written"/> is the last pair's username, as written.</summary>
    internal bool IsLastWritten(ReadOnlySpan<byte> written)
        => written.Length == _lastWrittenLength && written.SequenceEqual(_lastWritten.AsSpan(0, _lastWrittenLength));

    /// <summary>Remembers the last pair's username as written (<paramref name="known"/> false: not known, so never matched).</summary>
    internal void SetLastWritten(bool known, ReadOnlySpan<byte> written)
    {
        if (!known)
        {
            _lastWrittenLength = -1;
            return;
        }

        if (_lastWritten.Length < written.Length)
        {
            _lastWritten = new byte[Math.Max(written.Length, _lastWritten.Length * 2)];
        }

        written.CopyTo(_lastWritten);
        _lastWrittenLength = written.Length;
    }
}
