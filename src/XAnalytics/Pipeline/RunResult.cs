namespace XAnalytics.Pipeline;

/// <summary>What a finished run did.</summary>
/// <param name="Counters">The final counters.</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
/// <param name="RejectsPath">The rejects file written, or null.</param>
public sealed record RunResult(RunCounters Counters, TimeSpan Elapsed, string? RejectsPath)
{
    /// <summary>True when every file was read to its end and no line was rejected.</summary>
    public bool IsClean => Counters.BadFiles.Count == 0 && Counters.Rejected == 0;

    /// <summary>Events per second over the whole run.</summary>
    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? Counters.Events / Elapsed.TotalSeconds : 0;
}
