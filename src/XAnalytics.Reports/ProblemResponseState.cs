namespace XAnalytics.Reports;

/// <summary>One learner's submissions to one problem in <see cref="ProblemResponseSection"/>: the count, the first and last times, and the latest submission's event data.</summary>
internal sealed class ProblemResponseState(byte[] problemId)
{
    /// <summary>The <c>problem_id</c> (unescaped UTF-8).</summary>
    public byte[] ProblemId { get; } = problemId;

    public long Attempts { get; set; }

    public long FirstTicks { get; set; } = long.MaxValue;

    public long LastTicks { get; set; } = long.MinValue;

    private byte[] _latest = [];
    private int _length;

    /// <summary>The latest submission's <c>event</c> object, raw JSON.</summary>
    public ReadOnlyMemory<byte> LatestEvent => _latest.AsMemory(0, _length);

    /// <summary>Counts a submission; the latest by time is kept (a tie keeps the greater event text, as edX's sort of (timestamp, json) tuples keeps its last).</summary>
    public void Add(long attempts, long first, long last, ReadOnlySpan<byte> lastEvent)
    {
        Attempts += attempts;
        FirstTicks = Math.Min(FirstTicks, first);
        if (last > LastTicks || (last == LastTicks && lastEvent.SequenceCompareTo(LatestEvent.Span) > 0))
        {
            LastTicks = last;
            // A learner's submissions come in time order mostly: the buffer is reused, not reallocated, each time.
            if (_latest.Length < lastEvent.Length)
            {
                _latest = new byte[lastEvent.Length];
            }

            lastEvent.CopyTo(_latest);
            _length = lastEvent.Length;
        }
    }
}
