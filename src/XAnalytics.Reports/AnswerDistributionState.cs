namespace XAnalytics.Reports;

/// <summary>One learner's first and last submissions to one problem in <see cref="AnswerDistributionSection"/> (edX's first reducer keeps only these).</summary>
internal sealed class AnswerDistributionState(byte[] problemId)
{
    /// <summary>The <c>problem_id</c> (unescaped UTF-8).</summary>
    public byte[] ProblemId { get; } = problemId;

    public long FirstTicks { get; private set; } = long.MaxValue;

    public byte[] FirstEvent { get; private set; } = [];

    public string? FirstDisplayName { get; private set; }

    public long LastTicks { get; private set; } = long.MinValue;

    public byte[] LastEvent { get; private set; } = [];

    public string? LastDisplayName { get; private set; }

    /// <summary>Offers a submission as first and last (ties on time go by the event's text, as edX sorts (timestamp, json) pairs).</summary>
    public void Offer(long ticks, ReadOnlySpan<byte> data, string? displayName) => Offer(ticks, data, displayName, ticks, data, displayName);

    /// <summary>Offers a partial's first and last submissions (one array when both are one submission).</summary>
    public void Offer(long firstTicks, ReadOnlySpan<byte> first, string? firstName, long lastTicks, ReadOnlySpan<byte> last, string? lastName)
    {
        byte[]? copy = null;
        if (firstTicks < FirstTicks || (firstTicks == FirstTicks && first.SequenceCompareTo(FirstEvent) < 0))
        {
            FirstTicks = firstTicks;
            FirstEvent = copy = first.ToArray();
            FirstDisplayName = firstName;
        }

        if (lastTicks > LastTicks || (lastTicks == LastTicks && last.SequenceCompareTo(LastEvent) > 0))
        {
            LastTicks = lastTicks;
            LastEvent = copy is not null && last.SequenceEqual(copy) ? copy : last.ToArray();
            LastDisplayName = lastName;
        }
    }
}
