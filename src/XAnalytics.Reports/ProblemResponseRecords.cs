using System.Buffers.Binary;

namespace XAnalytics.Reports;

/// <summary>
/// The variable-length record of one learner problem that <see cref="ProblemResponsePartial"/> hands to its learner
/// buckets: <c>[record length][course][attempts][first ticks][last ticks][username length][problem id length][latest
/// length]</c> (little-endian, 44 bytes), then the username, the problem id and the latest submission's compact copy
/// (see <see cref="ProblemResponseSection.Compact"/>). Records are read back by the process that wrote them.
/// </summary>
internal static class ProblemResponseRecords
{
    /// <summary>The fixed part's bytes.</summary>
    public const int HeaderBytes = 44;

    /// <summary>What a record is called in the error for a cut-short one.</summary>
    private const string What = "A problem_response scratch record";

    /// <summary>Writes one record at the start of <paramref name="buffer"/> (grown when needed); returns its length.</summary>
    public static int Write(
        ref byte[] buffer, int course, long attempts, long first, long last, ReadOnlySpan<byte> user, ReadOnlySpan<byte> problem, ReadOnlySpan<byte> latest)
    {
        int length = HeaderBytes + user.Length + problem.Length + latest.Length;
        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }

        Span<byte> r = buffer;
        BinaryPrimitives.WriteInt32LittleEndian(r, length);
        BinaryPrimitives.WriteInt32LittleEndian(r[4..], course);
        BinaryPrimitives.WriteInt64LittleEndian(r[8..], attempts);
        BinaryPrimitives.WriteInt64LittleEndian(r[16..], first);
        BinaryPrimitives.WriteInt64LittleEndian(r[24..], last);
        BinaryPrimitives.WriteInt32LittleEndian(r[32..], user.Length);
        BinaryPrimitives.WriteInt32LittleEndian(r[36..], problem.Length);
        BinaryPrimitives.WriteInt32LittleEndian(r[40..], latest.Length);
        user.CopyTo(r[HeaderBytes..]);
        problem.CopyTo(r[(HeaderBytes + user.Length)..]);
        latest.CopyTo(r[(HeaderBytes + user.Length + problem.Length)..]);
        return length;
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

    public static long Attempts(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadInt64LittleEndian(record[8..]);

    public static long First(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadInt64LittleEndian(record[16..]);

    public static long Last(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadInt64LittleEndian(record[24..]);

    public static ReadOnlySpan<byte> User(ReadOnlySpan<byte> record) => record.Slice(HeaderBytes, BinaryPrimitives.ReadInt32LittleEndian(record[32..]));

    public static ReadOnlySpan<byte> Problem(ReadOnlySpan<byte> record)
        => record.Slice(HeaderBytes + BinaryPrimitives.ReadInt32LittleEndian(record[32..]), BinaryPrimitives.ReadInt32LittleEndian(record[36..]));

    public static ReadOnlySpan<byte> Latest(ReadOnlySpan<byte> record)
        => record.Slice(HeaderBytes + BinaryPrimitives.ReadInt32LittleEndian(record[32..]) + BinaryPrimitives.ReadInt32LittleEndian(record[36..]),
            BinaryPrimitives.ReadInt32LittleEndian(record[40..]));

    /// <summary>The latest submission of the record at <paramref name="start"/> of <paramref name="bytes"/>, as memory (for the JSON parser).</summary>
    public static ReadOnlyMemory<byte> LatestOf(byte[] bytes, int start)
    {
        ReadOnlySpan<byte> r = bytes.AsSpan(start);
        int user = BinaryPrimitives.ReadInt32LittleEndian(r[32..]), problem = BinaryPrimitives.ReadInt32LittleEndian(r[36..]);
        return bytes.AsMemory(start + HeaderBytes + user + problem, BinaryPrimitives.ReadInt32LittleEndian(r[40..]));
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
