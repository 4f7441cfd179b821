namespace XAnalytics.Reports;

/// <summary>
/// One part of a learner bucket (<see cref="LearnerBuckets.Parts"/>): which of a block's records a completion reads
/// now, chosen by their learner (<see cref="LearnerBuckets.PartOf"/>). A struct, so the filter is compiled per record
/// type (<see cref="HeldRecords{T}.ReadBucket{TPart}"/>).
/// </summary>
/// <typeparam name="T">The record.</typeparam>
internal interface IBucketPart<T>
    where T : unmanaged
{
    /// <summary>Appends the records of <paramref name="block"/> (whole records, held or spilled) that are in this part to <paramref name="into"/>.</summary>
    void AddTo(RecordBuffer<T> into, ReadOnlySpan<T> block);

    /// <summary>Which of its bucket's parts this is (from 0).</summary>
    int Index { get; }

    /// <summary>Hands each whole record of <paramref name="block"/> to <paramref name="router"/> with the part it is in, of this part's count (a bucket split once, see <see cref="BucketSpill{T}.Read"/>).</summary>
    void Route(ReadOnlySpan<T> block, PartRouter<T> router);
}
