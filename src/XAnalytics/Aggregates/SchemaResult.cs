namespace XAnalytics.Aggregates;

/// <summary>The schema of the events: every path with its count and an example, sorted by path.</summary>
/// <param name="Events">Events seen.</param>
/// <param name="Fields">The paths.</param>
/// <param name="PathsLeftOut">Path occurrences not kept because a worker reached <see cref="SchemaOptions.MaxPaths"/>.</param>
public sealed record SchemaResult(long Events, IReadOnlyList<SchemaField> Fields, long PathsLeftOut);
