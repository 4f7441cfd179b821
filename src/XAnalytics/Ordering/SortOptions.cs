using XAnalytics.Events;

namespace XAnalytics.Ordering;

/// <summary>What a <see cref="SortSink"/> orders by and with how much memory.</summary>
public sealed record SortOptions
{
    /// <summary>The default <see cref="By"/>: <c>username</c>, then <c>time</c>.</summary>
    public static IReadOnlyList<FieldPath> ByLearnerAndTime { get; } = [FieldPath.Parse("username"), FieldPath.Parse("time")];

    /// <summary>
    /// The sort key, most significant first; default <see cref="ByLearnerAndTime"/>. The first field is the
    /// learner: events without it sort first, as their own group. A field named <c>time</c> is compared as an
    /// instant (an unreadable or missing time sorts last for its learner); integers compare as numbers, strings by
    /// code point (their UTF-8 bytes). Equal keys keep input order (file, then line).
    /// </summary>
    public IReadOnlyList<FieldPath> By { get; init; } = ByLearnerAndTime;

    /// <summary>
    /// Memory for the sort's runs, in bytes: half of it holds the runs being filled (one per thread), the rest is
    /// left to merging and writing. Default 512 MiB; at least 16 MiB.
    /// </summary>
    public long MemoryBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>
    /// Where sorted runs spill (a private folder is made inside and removed at the end). Default null: the
    /// temporary folder. Give the <c>scratch-dir</c> setting here.
    /// </summary>
    public string? ScratchDirectory { get; init; }

    internal SortOptions Validated()
    {
        ArgumentNullException.ThrowIfNull(By);
        if (By.Count == 0)
        {
            throw new ArgumentException("A sort needs at least one field to sort by.", nameof(By));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MemoryBytes, 16L * 1024 * 1024, nameof(MemoryBytes));
        return this;
    }
}
