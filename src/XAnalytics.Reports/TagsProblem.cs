namespace XAnalytics.Reports;

/// <summary>One problem's submissions in <see cref="TagsDistributionSection"/>: counts and the latest submission's tags.</summary>
internal sealed class TagsProblem(byte[] problemId)
{
    /// <summary>The <c>problem_id</c> as written (unescaped UTF-8).</summary>
    public byte[] ProblemId { get; } = problemId;

    public long Total { get; set; }

    public long Correct { get; set; }

    /// <summary>The time of the latest submission (<see cref="long.MinValue"/> before the first).</summary>
    public long LatestTicks { get; set; } = long.MinValue;

    /// <summary>The latest submission's <c>saved_tags</c> object as raw JSON, or null when it had none.</summary>
    public byte[]? LatestTags { get; set; }

    /// <summary>edX keeps the first of the latest submissions it meets; a tie here keeps the smaller tags text, so the result does not depend on threads.</summary>
    public void Offer(long ticks, ReadOnlySpan<byte> tags)
    {
        if (ticks > LatestTicks || (ticks == LatestTicks && tags.SequenceCompareTo(LatestTags) < 0))
        {
            LatestTicks = ticks;
            LatestTags = tags.IsEmpty ? null : tags.ToArray();
        }
    }
}
