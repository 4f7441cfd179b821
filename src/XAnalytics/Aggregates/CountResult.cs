namespace XAnalytics.Aggregates;

/// <summary>The counts of a run.</summary>
/// <param name="Events">Events counted.</param>
/// <param name="DistinctUsers">Distinct non-empty usernames (computed when counting without fields; 0 otherwise).</param>
/// <param name="Rows">Counts per distinct value, most frequent first, then by value; null when counting without fields.</param>
public sealed record CountResult(long Events, long DistinctUsers, IReadOnlyList<CountRow>? Rows);
