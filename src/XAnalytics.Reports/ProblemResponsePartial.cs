using System.Runtime.InteropServices;

namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="ProblemResponseSection"/>: one per worker thread.</summary>
/// <remarks>
/// Submissions are counted in a bounded table (at most <see cref="TableCapacity"/> learner problems and
/// <see cref="ArenaLimit"/> bytes of texts), which, when full, hands its entries to <see cref="Records"/> as
/// variable-length records (<see cref="ProblemResponseRecords"/>) by learner bucket: held in blocks, the full ones
/// written to the section's scratch files. A learner's problem may so have several records (one per time the table
/// emptied, and one per merged partial): completion folds them bucket by bucket.
/// </remarks>
public sealed class ProblemResponsePartial
{
    private Entry[] _entries = new Entry[256];
    private byte[] _arena = new byte[64 * 1024];
    private byte[] _record = new byte[1024];

    internal ProblemResponsePartial(BucketSpill<byte> spill, int tableCapacity, int arenaLimit, int blockBytes)
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

    /// <summary>The bytes of texts (usernames, problem ids, submissions) the table may hold before it empties.</summary>
    internal int ArenaLimit { get; }

    /// <summary>The learner problems handed over from the table, by learner bucket (records of <see cref="ProblemResponseRecords"/>).</summary>
    internal HeldRecords<byte> Records { get; }

    /// <summary>The courses with a submission, by id (one bit each).</summary>
    internal CourseSet Courses { get; } = new();

    internal byte[] Unescaped { get; set; } = new byte[256];

    /// <summary>The texts the table holds, for tests and figures.</summary>
    internal int ArenaUsed { get; private set; }

    /// <summary>
    /// Counts <paramref name="attempts"/> submissions of a learner to a problem (hashes: XxHash3 of the bytes), the
    /// first at <paramref name="first"/> and the latest, <paramref name="latest"/>, at <paramref name="last"/>; the
    /// latest by time is kept, a tie keeping the greater text (as edX's sort of (timestamp, json) tuples keeps its last).
    /// </summary>
    internal void Add(
        int course, ReadOnlySpan<byte> user, ulong userHash, ReadOnlySpan<byte> problem, ulong problemHash, long attempts, long first, long last, ReadOnlySpan<byte> latest)
    {
        ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(Table, (course, userHash, problemHash), out bool exists);
        if (exists)
        {
            ref Entry e = ref _entries[slot];
            if (user.SequenceEqual(_arena.AsSpan(e.User, e.UserLength)) && problem.SequenceEqual(_arena.AsSpan(e.Problem, e.ProblemLength)))
            {
                e.Attempts += attempts;
                e.First = Math.Min(e.First, first);
                if (last > e.Last || (last == e.Last && latest.SequenceCompareTo(_arena.AsSpan(e.Latest, e.LatestLength)) > 0))
                {
                    e.Last = last;
                    if (latest.Length <= e.LatestLength)
                    {
                        latest.CopyTo(_arena.AsSpan(e.Latest));
                        e.LatestLength = latest.Length;
                    }
                    else
                    {
                        // The superseded text stays in the arena until the table empties (the arena's limit counts it).
                        e.Latest = Append(latest);
                        e.LatestLength = latest.Length;
                    }
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
        Courses.Mark(course);
        int u = Append(user), p = Append(problem), l = Append(latest);
        _entries[count] = new Entry
        {
            Course = course,
            UserHash = userHash,
            Attempts = attempts,
            First = first,
            Last = last,
            User = u,
            UserLength = user.Length,
            Problem = p,
            ProblemLength = problem.Length,
            Latest = l,
            LatestLength = latest.Length,
        };
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
            int length = ProblemResponseRecords.Write(
                ref _record, e.Course, e.Attempts, e.First, e.Last, _arena.AsSpan(e.User, e.UserLength), _arena.AsSpan(e.Problem, e.ProblemLength),
                _arena.AsSpan(e.Latest, e.LatestLength));
            Records.AddWholeFor(ProblemResponseRecords.LearnerProblem.Of(_record), _record.AsSpan(0, length));
        }

        Table.Clear();
        ArenaUsed = 0;
    }

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

    /// <summary>One learner problem of the table: its counts and times, its texts in the arena.</summary>
    private struct Entry
    {
        public int Course;
        public ulong UserHash;
        public long Attempts;
        public long First;
        public long Last;
        public int User;
        public int UserLength;
        public int Problem;
        public int ProblemLength;
        public int Latest;
        public int LatestLength;
    }
}
