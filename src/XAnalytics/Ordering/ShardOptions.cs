using XAnalytics.Events;

namespace XAnalytics.Ordering;

/// <summary>How a <see cref="ShardSink"/> splits an archive into learner buckets.</summary>
public sealed record ShardOptions
{
    /// <summary>Buckets (folders <c>bucket-0000</c>...). Required: 1 to 65,536.</summary>
    public int Buckets { get; init; }

    /// <summary>The learner key; default <c>username</c>. Each bucket holds whole learners (<see cref="LearnerBuckets"/>).</summary>
    public FieldPath By { get; init; } = FieldPath.Parse("username");

    /// <summary>
    /// Sort each bucket as <c>sort</c> does (this learner key, then time), with <see cref="SortOptions.MemoryBytes"/>
    /// shared by the buckets. Default null: each bucket in input order.
    /// </summary>
    public SortOptions? Sort { get; init; }

    internal ShardOptions Validated()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Buckets, 1, nameof(Buckets));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Buckets, 65_536, nameof(Buckets));
        ArgumentNullException.ThrowIfNull(By);
        return this;
    }
}
