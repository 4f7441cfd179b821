namespace XAnalytics.Pipeline;

/// <summary>
/// What a partial file says about itself (<see cref="PartialFile"/>): the plan and shard it is of, the command and
/// the options that must be the same for every shard of a merge, and the task's line accounting.
/// </summary>
public sealed record PartialHeader
{
    /// <summary>The <see cref="ShardPlan.Id"/> of the plan the task read its shard from.</summary>
    public required string PlanId { get; init; }

    /// <summary>The task's shard: its index and the plan's shard count.</summary>
    public required ShardSelection Shard { get; init; }

    /// <summary>The command that wrote it (<c>count</c>, <c>schema</c>, <c>report</c>).</summary>
    public required string Command { get; init; }

    /// <summary>
    /// The command's options that decide its result, as given (<c>--by</c>, <c>event_type</c>...): a merge refuses
    /// partials whose options differ, and runs the command's result writing with them.
    /// </summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The state's name (<see cref="IPartialAggregate{TPartial}.StateName"/>).</summary>
    public string StateName { get; init; } = string.Empty;

    /// <summary>The state's layout version (<see cref="IPartialAggregate{TPartial}.StateVersion"/>).</summary>
    public int StateVersion { get; init; }

    /// <summary>Lines the task read.</summary>
    public long Read { get; init; }

    /// <summary>Events the task folded into the state.</summary>
    public long Written { get; init; }

    /// <summary>Events its filters left out.</summary>
    public long Filtered { get; init; }

    /// <summary>Lines it rejected.</summary>
    public long Rejected { get; init; }

    /// <summary>Files it could not read to their end.</summary>
    public long BadFiles { get; init; }
}
