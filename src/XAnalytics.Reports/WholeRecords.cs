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
        Span<int> one = stackalloc int[1];
        while (at < bytes.Length)
        {
            int length = bytes.Length - at >= headerBytes ? BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]) : 0;
            if (length < headerBytes || length > bytes.Length - at)
            {
                throw new InvalidDataException($"{what} is cut short.");
            }

            one[0] = at;
            starts.AddRange(one);
            at += length;
        }
    }

    /// <summary>
    /// Reads bucket <paramref name="bucket"/> of <paramref name="records"/> into <paramref name="into"/> and the start of
    /// each of its records into <paramref name="starts"/> (both cleared first), as <see cref="Index"/> finds them.
    /// </summary>
    public static void ReadBucket(HeldRecords<byte> records, int bucket, RecordBuffer<byte> into, RecordBuffer<int> starts, int headerBytes, string what)
    {
        into.Clear();
        starts.Clear();
        records.ReadBucket(bucket, into);
        Index(into.Span, headerBytes, what, starts);
    }
}
