using System.Runtime.InteropServices;

namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="AnswerDistributionSection"/>: one per worker thread.</summary>
/// <remarks>
/// Each learner's first and last submission to a problem (edX's first reducer keeps only these) are kept in a bounded
/// table (at most <see cref="TableCapacity"/> learner problems and <see cref="ArenaLimit"/> bytes of texts), which,
/// when full, hands its entries to <see cref="Records"/> as variable-length records
/// (<see cref="AnswerDistributionRecords"/>) by learner bucket: held in blocks, the full ones written to the section's
/// scratch files. Completion folds a learner problem's records bucket by bucket.
/// </remarks>
public sealed class AnswerDistributionPartial
{
    private Entry[] _entries = new Entry[256];
    private byte[] _arena = new byte[64 * 1024];
    private byte[] _record = new byte[1024];

    internal AnswerDistributionPartial(BucketSpill<byte> spill, int tableCapacity, int arenaLimit, int blockBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tableCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(arenaLimit, 1);
        Records = new HeldRecords<byte>(spill, blockBytes);
        TableCapacity = tableCapacity;
        ArenaLimit = arenaLimit;
    }

    /// <summary>The entry of each course, learner (username hash) and problem id hash in the table.</summary>
    internal Dictionary<(int Course, ulong User, ulong Problem), int> Table { get; } = [];

    /// <summary>The learner problems the table may hold before it empties into <see cref="Records"/>.</summary>
    internal int TableCapacity { get; }

    /// <summary>The bytes of texts the table may hold before it empties.</summary>
    internal int ArenaLimit { get; }

    /// <summary>The learner problems handed over from the table, by learner bucket (records of <see cref="AnswerDistributionRecords"/>).</summary>
    internal HeldRecords<byte> Records { get; }

    internal byte[] Unescaped { get; set; } = new byte[256];

    private int ArenaUsed { get; set; }

    /// <summary>
    /// Offers a learner's first and last submissions to a problem (hashes: XxHash3 of the bytes): the earliest is kept
    /// as first and the latest as last, ties on time going by the submission's text (as edX sorts (timestamp, json)
    /// pairs), each with its display name (<c>context.module.display_name</c>, when the event has one).
    /// </summary>
    internal void Offer(
        int course, ReadOnlySpan<byte> user, ulong userHash, ReadOnlySpan<byte> problem, ulong problemHash,
        long firstTicks, ReadOnlySpan<byte> first, bool hasFirstName, ReadOnlySpan<byte> firstName,
        long lastTicks, ReadOnlySpan<byte> last, bool hasLastName, ReadOnlySpan<byte> lastName)
    {
        ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(Table, (course, userHash, problemHash), out bool exists);
        if (exists)
        {
            ref Entry e = ref _entries[slot];
            if (user.SequenceEqual(Text(e.User, e.UserLength)) && problem.SequenceEqual(Text(e.Problem, e.ProblemLength)))
            {
                if (firstTicks < e.FirstTicks || (firstTicks == e.FirstTicks && first.SequenceCompareTo(Text(e.First, e.FirstLength)) < 0))
                {
                    // The superseded texts stay in the arena until the table empties (the arena's limit counts them).
                    e.FirstTicks = firstTicks;
                    (e.First, e.FirstLength) = (Append(first), first.Length);
                    (e.FirstName, e.FirstNameLength) = hasFirstName ? (Append(firstName), firstName.Length) : (0, -1);
                }

                if (lastTicks > e.LastTicks || (lastTicks == e.LastTicks && last.SequenceCompareTo(Text(e.Last, e.LastLength)) > 0))
                {
                    e.LastTicks = lastTicks;
                    (e.Last, e.LastLength) = (Append(last), last.Length);
                    (e.LastName, e.LastNameLength) = hasLastName ? (Append(lastName), lastName.Length) : (0, -1);
                }

                if (ArenaUsed >= ArenaLimit)
                {
                    Flush();
                }

                return;
            }

            // Another learner problem with the same hashes (all but never): the table empties, and the new one starts it again.
            Flush();
            slot = ref CollectionsMarshal.GetValueRefOrAddDefault(Table, (course, userHash, problemHash), out _);
        }

        int count = Table.Count - 1;
        if (count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        slot = count;
        ref Entry n = ref _entries[count];
        n.Course = course;
        n.UserHash = userHash;
        (n.User, n.UserLength) = (Append(user), user.Length);
        (n.Problem, n.ProblemLength) = (Append(problem), problem.Length);
        n.FirstTicks = firstTicks;
        (n.First, n.FirstLength) = (Append(first), first.Length);
        (n.FirstName, n.FirstNameLength) = hasFirstName ? (Append(firstName), firstName.Length) : (0, -1);
        n.LastTicks = lastTicks;
        bool same = lastTicks == firstTicks && last.SequenceEqual(first);
        (n.Last, n.LastLength) = same ? (n.First, n.FirstLength) : (Append(last), last.Length);
        (n.LastName, n.LastNameLength) = !hasLastName ? (0, -1)
            : same && hasFirstName && lastName.SequenceEqual(firstName) ? (n.FirstName, n.FirstNameLength) : (Append(lastName), lastName.Length);
        if (Table.Count >= TableCapacity || ArenaUsed >= ArenaLimit)
        {
            Flush();
        }
    }

    /// <summary>Hands the table's entries to their learner buckets and empties it (its storage kept).</summary>
    internal void Flush()
    {
        for (int i = 0; i < Table.Count; i++)
        {
            ref Entry e = ref _entries[i];
            int length = AnswerDistributionRecords.Write(
                ref _record, e.Course, Text(e.User, e.UserLength), Text(e.Problem, e.ProblemLength),
                e.FirstTicks, Text(e.First, e.FirstLength), e.FirstNameLength >= 0, Text(e.FirstName, e.FirstNameLength),
                e.LastTicks, Text(e.Last, e.LastLength), e.LastNameLength >= 0, Text(e.LastName, e.LastNameLength));
            Records.AddWholeFor(AnswerDistributionRecords.LearnerProblem.Of(_record), _record.AsSpan(0, length));
        }

        Table.Clear();
        ArenaUsed = 0;
    }

    private ReadOnlySpan<byte> Text(int at, int length) => length <= 0 ? default : _arena.AsSpan(at, length);

    private int Append(ReadOnlySpan<byte> bytes)
    {
        if (_arena.Length - ArenaUsed < bytes.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, ArenaUsed + bytes.Length));
        }

        int at = ArenaUsed;
        bytes.CopyTo(_arena.AsSpan(at));
        ArenaUsed += bytes.Length;
        return at;
    }

    /// <summary>One learner problem of the table: its first and last submissions, its texts in the arena (a name's length -1: none).</summary>
    private struct Entry
    {
        public int Course;
        public ulong UserHash;
        public int User;
        public int UserLength;
        public int Problem;
        public int ProblemLength;
        public long FirstTicks;
        public int First;
        public int FirstLength;
        public int FirstName;
        public int FirstNameLength;
        public long LastTicks;
        public int Last;
        public int LastLength;
        public int LastName;
        public int LastNameLength;
    }
}
