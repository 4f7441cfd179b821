using System.IO.Hashing;
using System.Numerics;

namespace XAnalytics.Reports;

/// <summary>
/// The learner buckets a section's records are spilled by (<see cref="BucketSpill{T}"/>): the end of the run holds
/// about 1/<see cref="Count"/> of them at a time, and a learner's records are all in one bucket (for the problem
/// tables, a learner problem's: <see cref="OfLearnerProblem"/>). A bucket larger than <see cref="PartBytes"/> is read
/// in parts (<see cref="Parts"/>, <see cref="PartOf"/>), a key's records all in one part, so what a completion holds
/// at a time does not grow with the archive.
/// </summary>
internal static class LearnerBuckets
{
    /// <summary>
    /// The buckets. Each bucket's file took two pooled 64 KiB buffers while the run lasted (now only while it is read
    /// or written): with 64 buckets the full report over 1M events peaked 8-16 MiB higher than with 16 (measured on
    /// the video section). With 32 buckets and blocks of half the size (the same held memory), 8M events peaked 6-10
    /// MiB lower for 0-2% more CPU; 64 buckets, 15 MiB lower for 4-5% more CPU: reading large buckets in parts instead.
    /// </summary>
    public const int Count = 16;

    /// <summary>
    /// The most of one bucket a completion reads at once (records as held, before its own working arrays): a bucket
    /// larger than this is read in as many parts as it takes, its learners' records in one part each. The bucket is
    /// split into a scratch file per part at its first part's read, so its blocks are decompressed once however many
    /// parts (see <see cref="BucketSpill{T}.Read"/>; each part used to re-read the whole bucket). Over 8M generated events the largest
    /// problem_response bucket is 15.8 MB and the largest video bucket 12.5 MB: read whole, as every bucket of smaller
    /// archives. With 8 MiB instead (2 parts at 8M), problem_response alone peaked 4 MiB lower (162-165 against
    /// 166-169 MiB) for 1-3% more CPU, video the same: below this size the bucket is not what a completion's peak is
    /// made of. Above it, what a completion holds no longer grows with the archive.
    /// </summary>
    public const long PartBytes = 16L << 20;

    /// <summary>The most parts a bucket is read in (<see cref="Parts"/>): <see cref="PartOf"/> of this many is the finest part, and a part of fewer is a run of them.</summary>
    public const int MaxParts = 256;

    private const ulong Multiplier = 0x9E3779B97F4A7C15UL;

    /// <summary>The bucket of a learner: a multiplicative hash's top bits (user keys are often small numbers).</summary>
    public static int Of(long user) => (int)(((ulong)user * Multiplier) >> 60);

    /// <summary>
    /// The part of a learner's bucket the learner is in, of <paramref name="parts"/> (a power of two, at most 256): the
    /// same hash's next bits, so the parts split a bucket's learners evenly.
    /// </summary>
    public static int PartOf(long user, int parts)
        => parts == 1 ? 0 : (int)((((ulong)user * Multiplier) << 4) >> (64 - BitOperations.Log2((uint)parts)));

    /// <summary>
    /// The key of one learner's records for one problem (<paramref name="user"/>'s and <paramref name="problem"/>'s
    /// bytes), for the sections whose completion folds a learner problem at a time (problem_response,
    /// answer_distribution): bucketed and split in parts by it instead of by the learner, no part has to hold all of a
    /// learner's problems, so a learner with thousands of submissions does not set the size of a part.
    /// </summary>
    public static long OfLearnerProblem(ReadOnlySpan<byte> user, ReadOnlySpan<byte> problem)
        => (long)XxHash3.HashToUInt64(problem, (long)XxHash3.HashToUInt64(user));

    /// <summary>
    /// The key of one learner's events on one video (<paramref name="user"/>, the video's course and module hash), for
    /// the video section, whose reducer folds a learner's events on a video at a time: bucketed and split in parts by it
    /// instead of by the learner, no part has to hold all of a learner's videos. A learner's records on a video are still
    /// all in one part, so a segment's distinct learners add up across parts. Read back by the process that wrote the
    /// records only (the seedless mixer of SplitMix64).
    /// </summary>
    public static long OfLearnerVideo(long user, int course, ulong module)
    {
        ulong h = (ulong)user ^ BitOperations.RotateLeft(module, 23) ^ ((ulong)(uint)course << 40);
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
        return (long)(h ^ (h >> 31));
    }

    /// <summary>The parts a bucket of <paramref name="bytes"/> is read in: the fewest (a power of two, at most 256) of at most <paramref name="partBytes"/> each.</summary>
    public static int Parts(long bytes, long partBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partBytes, 1);
        int parts = 1;
        while (parts < MaxParts && bytes > partBytes * parts)
        {
            parts <<= 1;
        }

        return parts;
    }
}
