using System.Buffers.Binary;

namespace XAnalytics.Reports;

/// <summary>
/// Variable-length records as <see cref="HeldRecords{T}.AddWhole"/> keeps them: bytes, each record starting with its
/// own length (a little-endian int32, the prefix included), whole in every block, held or spilled.
/// </summary>
internal static class WholeRecords
{
    /// <summary>
    /// The starts of the records in <paramref name="bytes"/> (a bucket read back: whole records one after another),
    /// appended to <paramref name="starts"/>; a record shorter than <paramref name="headerBytes"/> or running past the
    /// end is <paramref name="what"/> cut short.
    /// </summary>
    public static void Index(ReadOnlySpan<byte> bytes, int headerBytes, string what, RecordBuffer<int> starts)
    {
        int at = 0;
        while (at < bytes.Length)
        {
            int length = bytes.Length - at >= headerBytes ? BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]) : 0;
            if (length < headerBytes || length > bytes.Length - at)
            {
                throw new InvalidDataException($"{what} is cut short.");
            }

            starts.Add(at);
            at += length;
        }
    }

    /// <summary>
    /// Reads the records of bucket <paramref name="bucket"/> of <paramref name="records"/> that are in part
    /// <paramref name="part"/> of <paramref name="parts"/> (their learners, as <typeparamref name="TLearner"/> reads them)
    /// into <paramref name="into"/> and the start of each into <paramref name="starts"/> (both cleared first), as
    /// <see cref="Index"/> finds them.
    /// </summary>
    public static void ReadBucket<TLearner>(
        HeldRecords<byte> records, int bucket, int part, int parts, RecordBuffer<byte> into, RecordBuffer<int> starts, int headerBytes, string what)
        where TLearner : struct, IRecordLearner
    {
        into.Clear();
        starts.Clear();
        records.ReadBucket(bucket, into, new Part<TLearner>(part, parts, headerBytes, what), parts);
        Index(into.Span, headerBytes, what, starts);
    }

    /// <summary>The whole records of a block whose learner (<typeparamref name="TLearner"/>) is in one part of their bucket.</summary>
    private readonly struct Part<TLearner>(int part, int parts, int headerBytes, string what) : IBucketPart<byte>
        where TLearner : struct, IRecordLearner
    {
        public int Index => part;

        public void AddTo(RecordBuffer<byte> into, ReadOnlySpan<byte> block)
        {
            if (parts == 1)
            {
                into.AddRange(block);
                return;
            }

            int at = 0;
            while (Next(block, ref at, out ReadOnlySpan<byte> record))
            {
                if (LearnerBuckets.PartOf(TLearner.Of(record), parts) == part)
                {
                    into.AddRange(record);
                }
            }
        }

        public void Route(ReadOnlySpan<byte> block, PartRouter<byte> router)
        {
            int at = 0;
            while (Next(block, ref at, out ReadOnlySpan<byte> record))
            {
                router.Add(LearnerBuckets.PartOf(TLearner.Of(record), parts), record);
            }
        }

        private bool Next(ReadOnlySpan<byte> block, ref int at, out ReadOnlySpan<byte> record)
        {
            if (at >= block.Length)
            {
                record = default;
                return false;
            }

            int length = block.Length - at >= headerBytes ? BinaryPrimitives.ReadInt32LittleEndian(block[at..]) : 0;
            if (length < headerBytes || length > block.Length - at)
            {
                throw new InvalidDataException($"{what} is cut short.");
            }

            record = block.Slice(at, length);
            at += length;
            return true;
        }
    }
}
