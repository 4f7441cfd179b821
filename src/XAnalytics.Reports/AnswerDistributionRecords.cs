using System.Buffers.Binary;

namespace XAnalytics.Reports;

/// <summary>
/// The variable-length record of one learner problem that <see cref="AnswerDistributionPartial"/> hands to its learner
/// buckets: <c>[record length][course][first ticks][last ticks][flags][lengths of username, problem id, first
/// submission, first display name, last submission, last display name]</c> (little-endian, 52 bytes), then those texts.
/// Flags: 1 the first submission has a display name, 2 the last one has, 4 the last submission is the first (its
/// texts are not written twice). Records are read back by the process that wrote them.
/// </summary>
internal static class AnswerDistributionRecords
{
    /// <summary>The fixed part's bytes.</summary>
    public const int HeaderBytes = 52;

    /// <summary>What a record is called in the error for a cut-short one.</summary>
    private const string What = "An answer_distribution scratch record";

    public const int HasFirstName = 1;
    public const int HasLastName = 2;
    public const int LastIsFirst = 4;

    /// <summary>Writes one record at the start of <paramref name="buffer"/> (grown when needed); returns its length.</summary>
    public static int Write(
        ref byte[] buffer, int course, ReadOnlySpan<byte> user, ReadOnlySpan<byte> problem,
        long firstTicks, ReadOnlySpan<byte> first, bool hasFirstName, ReadOnlySpan<byte> firstName,
        long lastTicks, ReadOnlySpan<byte> last, bool hasLastName, ReadOnlySpan<byte> lastName)
    {
        bool same = lastTicks == firstTicks && last.SequenceEqual(first) && hasLastName == hasFirstName && lastName.SequenceEqual(firstName);
        if (same)
        {
            last = lastName = default;
        }

        int length = HeaderBytes + user.Length + problem.Length + first.Length + firstName.Length + last.Length + lastName.Length;
        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }

        Span<byte> r = buffer;
        BinaryPrimitives.WriteInt32LittleEndian(r, length);
        BinaryPrimitives.WriteInt32LittleEndian(r[4..], course);
        BinaryPrimitives.WriteInt64LittleEndian(r[8..], firstTicks);
        BinaryPrimitives.WriteInt64LittleEndian(r[16..], lastTicks);
        BinaryPrimitives.WriteInt32LittleEndian(r[24..], (hasFirstName ? HasFirstName : 0) | (hasLastName ? HasLastName : 0) | (same ? LastIsFirst : 0));
        int at = HeaderBytes;
        Put(r, ref at, 28, user);
        Put(r, ref at, 32, problem);
        Put(r, ref at, 36, first);
        Put(r, ref at, 40, firstName);
        Put(r, ref at, 44, last);
        Put(r, ref at, 48, lastName);
        return length;

        static void Put(Span<byte> r, ref int at, int field, ReadOnlySpan<byte> text)
        {
            BinaryPrimitives.WriteInt32LittleEndian(r[field..], text.Length);
            text.CopyTo(r[at..]);
            at += text.Length;
        }
    }

    /// <summary>The starts of the records in <paramref name="bytes"/> (a bucket read back: whole records one after another), appended to <paramref name="starts"/>.</summary>
    public static void Index(ReadOnlySpan<byte> bytes, RecordBuffer<int> starts) => WholeRecords.Index(bytes, HeaderBytes, What, starts);

    /// <summary>
    /// The records of bucket <paramref name="bucket"/> of <paramref name="records"/> whose learners are in part
    /// <paramref name="part"/> of <paramref name="parts"/> (<see cref="LearnerBuckets.PartOf"/>; 0 of 1: the whole
    /// bucket) read into <paramref name="into"/>, with their starts in <paramref name="starts"/> sorted by
    /// <see cref="KeyOrder"/> (both buffers cleared first).
    /// </summary>
    public static void ReadSorted(HeldRecords<byte> records, int bucket, int part, int parts, RecordBuffer<byte> into, RecordBuffer<int> starts)
    {
        WholeRecords.ReadBucket<LearnerProblem>(records, bucket, part, parts, into, starts, HeaderBytes, What);
        starts.Span.Sort(new KeyOrder(into.Items));
    }

    /// <summary>A record's key, as its bucket and part are chosen by: its learner problem (<see cref="LearnerBuckets.OfLearnerProblem"/>).</summary>
    public readonly struct LearnerProblem : IRecordLearner
    {
        public static long Of(ReadOnlySpan<byte> record) => LearnerBuckets.OfLearnerProblem(User(record), Problem(record));
    }

    public static int Course(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadInt32LittleEndian(record[4..]);

    public static long FirstTicks(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadInt64LittleEndian(record[8..]);

    public static long LastTicks(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadInt64LittleEndian(record[16..]);

    public static int Flags(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadInt32LittleEndian(record[24..]);

    public static ReadOnlySpan<byte> User(ReadOnlySpan<byte> record) => Text(record, 0, out _);

    public static ReadOnlySpan<byte> Problem(ReadOnlySpan<byte> record) => Text(record, 1, out _);

    /// <summary>The first submission (its start in the record: <paramref name="offset"/>).</summary>
    public static ReadOnlySpan<byte> First(ReadOnlySpan<byte> record, out int offset) => Text(record, 2, out offset);

    public static ReadOnlySpan<byte> FirstName(ReadOnlySpan<byte> record) => Text(record, 3, out _);

    /// <summary>The last submission (its start in the record: <paramref name="offset"/>).</summary>
    public static ReadOnlySpan<byte> Last(ReadOnlySpan<byte> record, out int offset)
        => (Flags(record) & LastIsFirst) != 0 ? First(record, out offset) : Text(record, 4, out offset);

    public static ReadOnlySpan<byte> LastName(ReadOnlySpan<byte> record) => (Flags(record) & LastIsFirst) != 0 ? FirstName(record) : Text(record, 5, out _);

    public static bool HasFirst(ReadOnlySpan<byte> record) => (Flags(record) & HasFirstName) != 0;

    public static bool HasLast(ReadOnlySpan<byte> record) => (Flags(record) & LastIsFirst) != 0 ? HasFirst(record) : (Flags(record) & HasLastName) != 0;

    private static ReadOnlySpan<byte> Text(ReadOnlySpan<byte> record, int index, out int offset)
    {
        offset = HeaderBytes;
        for (int i = 0; i < index; i++)
        {
            offset += BinaryPrimitives.ReadInt32LittleEndian(record[(28 + (4 * i))..]);
        }

        return record.Slice(offset, BinaryPrimitives.ReadInt32LittleEndian(record[(28 + (4 * index))..]));
    }

    /// <summary>Orders records by course, username and problem id bytes (a learner problem's records side by side), through a struct comparer.</summary>
    public readonly struct KeyOrder(byte[] bytes) : IComparer<int>
    {
        public int Compare(int x, int y)
        {
            ReadOnlySpan<byte> a = bytes.AsSpan(x), b = bytes.AsSpan(y);
            int c = Course(a).CompareTo(Course(b));
            c = c != 0 ? c : User(a).SequenceCompareTo(User(b));
            return c != 0 ? c : Problem(a).SequenceCompareTo(Problem(b));
        }
    }
}
