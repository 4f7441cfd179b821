namespace XAnalytics.Reports;

/// <summary>
/// The learner buckets a section's records are spilled by (<see cref="BucketSpill{T}"/>): the end of the run holds
/// about 1/<see cref="Count"/> of them at a time, and a learner's records are all in one bucket.
/// </summary>
internal static class LearnerBuckets
{
    /// <summary>
    /// The buckets. Each bucket's file takes two pooled 64 KiB buffers: with 64 buckets the full report over 1M events
    /// peaked 8-16 MiB higher than with 16 (measured on the video section).
    /// </summary>
    public const int Count = 16;

    /// <summary>The bucket of a learner: a multiplicative hash's top bits (user keys are often small numbers).</summary>
    public static int Of(long user) => (int)(((ulong)user * 0x9E3779B97F4A7C15UL) >> 60);
}
