using System.IO.Hashing;

namespace XAnalytics.Ordering;

/// <summary>
/// The bucket of a learner: <c>XxHash64(key, seed 0) mod buckets</c> over the key's UTF-8 bytes (a string field
/// unescaped; a missing key is the empty string). XxHash64 is a published, fixed function: the same learner goes
/// to the same bucket on every machine, version and thread count, so runs over separate days or machines can be
/// read together bucket by bucket.
/// </summary>
public static class LearnerBuckets
{
    /// <summary>The bucket (0 to <paramref name="buckets"/> - 1) of the learner key <paramref name="keyUtf8"/>.</summary>
    public static int Of(ReadOnlySpan<byte> keyUtf8, int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        return (int)(XxHash64.HashToUInt64(keyUtf8) % (ulong)buckets);
    }

    /// <summary>The folder name of bucket <paramref name="bucket"/>: <c>bucket-0007</c>.</summary>
    public static string FolderName(int bucket) => $"bucket-{bucket:D4}";
}
