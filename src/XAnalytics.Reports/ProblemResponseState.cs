namespace XAnalytics.Reports;

/// <summary>One learner's submissions to one problem in <see cref="ProblemResponseSection"/>: the count, the first and last times, and the latest submission's event data.</summary>
internal sealed class ProblemResponseState(byte[] problemId)
{
    /// <summary>The <c>problem_id</c> (unescaped UTF-8).</summary>
    public byte[] ProblemId { get; } = problemId;

    public long Attempts { get; set; }

    public long FirstTicks { get; set; } = long.MaxValue;

    public long LastTicks { get; set; } = long.MinValue;

    /// <summary>The latest submission's <c>event</c> object, raw JSON.</summary>
    public byte[] LatestEvent { get; set; } = [];

    /// <summary>Counts a submission; the latest by time is kept (a tie keeps the greater event text, as edX's sort of (timestamp, json) tuples keeps its last).</summary>
    public void Add(long attempts, long first, long last, ReadOnlySpan<byte> lastEvent)
    {
        Attempts += attempts;
        FirstTicks = Math.Min(FirstTicks, first);
        if (last > LastTicks || (last == LastTicks && lastEvent.SequenceCompareTo(LatestEvent) > 0))
        {
            LastTicks = last;
            LatestEvent = lastEvent.ToArray();
        }
    }
}
