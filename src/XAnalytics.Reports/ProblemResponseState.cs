namespace XAnalytics.Reports;

/// <summary>One learner's submissions to one problem in <see cref="ProblemResponseSection"/>: the count, the first and last times, and the latest submission's event data.</summary>
internal sealed class ProblemResponseState(byte[] problemId)
{
    /// <summary>The next state whose problem id has the same hash in the partial's table (rare), or null.</summary>
    public ProblemResponseState? Next { get; init; }

    /// <summary>The <c>problem_id</c> (unescaped UTF-8).</summary>
    public byte[] ProblemId { get; } = problemId;

    public long Attempts { get; set; }

    public long FirstTicks { get; set; } = long.MaxValue;

    public long LastTicks { get; set; } = long.MinValue;

    private byte[] _latest = [];

    /// <summary>The latest submission's <c>event</c> object, compacted (see <see cref="ProblemResponseSection.Compact"/>); shared, never written to.</summary>
    public ReadOnlyMemory<byte> LatestEvent => _latest;

    /// <summary>The array <see cref="LatestEvent"/> is: learners who gave the same answers share it.</summary>
    public byte[] LatestArray => _latest;

    /// <summary>
    /// Counts a submission; the latest by time is kept (a tie keeps the greater event text, as edX's sort of (timestamp,
    /// json) tuples keeps its last), as the partial's shared copy (<paramref name="texts"/>: learners who gave the same
    /// answers hold one array; <paramref name="lastEventHash"/> is <c>XxHash3.HashToUInt64(lastEvent)</c>).
    /// </summary>
    public void Add(long attempts, long first, long last, ReadOnlySpan<byte> lastEvent, ulong lastEventHash, ByteInterner texts)
    {
        Attempts += attempts;
        FirstTicks = Math.Min(FirstTicks, first);
        if (last > LastTicks || (last == LastTicks && lastEvent.SequenceCompareTo(_latest) > 0))
        {
            LastTicks = last;
            _latest = texts.Intern(lastEvent, lastEventHash);
        }
    }
}
