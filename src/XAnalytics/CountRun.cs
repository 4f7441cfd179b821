using XAnalytics.Aggregates;
using XAnalytics.Pipeline;

namespace XAnalytics;

/// <summary>What <see cref="EventPipeline.CountAsync"/> did and counted.</summary>
/// <param name="Run">The run: events read, rejected, bad files.</param>
/// <param name="Counts">The counts: rows per value, most frequent first, or the totals.</param>
public sealed record CountRun(RunResult Run, CountResult Counts);
