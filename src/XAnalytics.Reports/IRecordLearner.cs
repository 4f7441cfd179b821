namespace XAnalytics.Reports;

/// <summary>The learner key of a variable-length record (<see cref="WholeRecords"/>): what its bucket was chosen by (<see cref="LearnerBuckets.Of"/>).</summary>
internal interface IRecordLearner
{
    /// <summary>The learner key of <paramref name="record"/> (a whole record, length prefix included).</summary>
    static abstract long Of(ReadOnlySpan<byte> record);
}
