namespace XAnalytics.Pipeline;

/// <summary>One input file of a <see cref="ShardPlan"/>.</summary>
/// <param name="Path">Its full path when the plan was made.</param>
/// <param name="Bytes">Its size then; a task refuses a file whose size has changed since.</param>
/// <param name="Shard">The shard that reads it.</param>
public sealed record PlannedFile(string Path, long Bytes, int Shard);
