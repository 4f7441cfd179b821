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
    private ulong _latestHash;

    /// <summary>The latest submission's <c>event</c> object, compacted (see <see cref="ProblemResponseSection.Compact"/>); shared, never written to.</summary>
    public ReadOnlyMemory<byte> LatestEvent => _latest;

    /// <summary>The array <see cref="LatestEvent"/> is: learners who gave the same answers share it.</summary>
    public byte[] LatestArray => _latest;

    /// <summary>Lets go of the latest submission once its rows are made (completion), so its array can be freed before the table is dropped.</summary>
    public void DropSubmission()
    {
        _latest = [];
        _latestHash = 0;
    }

    /// <summary>
    /// Counts a submission; the latest by time is kept (a tie keeps the greater event text, as edX's sort of (timestamp,
    /// json) tuples keeps its last), as the partial's shared copy (<paramref name="texts"/>: learners who gave the same
    /// answers hold one array; <paramref name="lastEventHash"/> is <c>XxHash3.HashToUInt64(lastEvent)</c>).
    /// </summary>
    public void Add(long attempts, long first, long last, ReadOnlySpan<byte> lastEvent, ulong lastEventHash, ByteInterner texts)
        => Add(attempts, first, last, lastEvent, null, lastEventHash, texts);

    /// <summary>Merges another partial's state: as <see cref="Add(long, long, long, ReadOnlySpan{byte}, ulong, ByteInterner)"/>, its latest submission's array taken rather than copied.</summary>
    public void Add(ProblemResponseState from, ByteInterner texts)
        => Add(from.Attempts, from.FirstTicks, from.LastTicks, from._latest, from._latest, from._latestHash, texts);

    private void Add(long attempts, long first, long last, ReadOnlySpan<byte> lastEvent, byte[]? lastArray, ulong lastEventHash, ByteInterner texts)
    {
        Attempts += attempts;
        FirstTicks = Math.Min(FirstTicks, first);
        if (last > LastTicks || (last == LastTicks && lastEvent.SequenceCompareTo(_latest) > 0))
        {
            LastTicks = last;
            // The superseded submission is let go of, so the shared table holds only the latest ones.
            if (_latest.Length > 0)
            {
                texts.Release(_latest, _latestHash);
            }

            _latest = lastArray is not null ? texts.Adopt(lastArray, lastEventHash) : texts.Intern(lastEvent, lastEventHash);
            _latestHash = lastEventHash;
        }
    }
}
