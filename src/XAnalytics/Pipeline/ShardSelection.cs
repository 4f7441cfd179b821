using System.Globalization;

namespace XAnalytics.Pipeline;

/// <summary>
/// Which share of the input files a task reads: shard <see cref="Index"/> of <see cref="Count"/> (<c>--shard i/N</c>,
/// <c>i</c> from 0). With a <see cref="ShardPlan"/> the plan says which files are the shard's; without one, file
/// <c>k</c> of the sorted input list belongs to shard <c>k mod N</c>.
/// </summary>
/// <param name="Index">The shard, from 0 to <paramref name="Count"/> - 1.</param>
/// <param name="Count">How many shards the input is split into, at least 1.</param>
public sealed record ShardSelection(int Index, int Count)
{
    /// <summary>The whole input as one shard: <c>0/1</c>.</summary>
    public static ShardSelection All { get; } = new(0, 1);

    /// <summary>Reads <c>i/N</c> (<c>2/8</c>: the third of eight shards).</summary>
    /// <exception cref="FormatException">Not two integers with <c>0 &lt;= i &lt; N</c>; the message says what was given.</exception>
    public static ShardSelection Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0
            || !int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            throw new FormatException($"--shard '{text}' is not i/N (the shard's index from 0, a slash, the number of shards: 0/3, 1/3, 2/3).");
        }

        if (count < 1 || index >= count)
        {
            throw new FormatException($"--shard '{text}': the index must be from 0 to N-1 and N at least 1 (0/{Math.Max(count, 1)} to {Math.Max(count, 1) - 1}/{Math.Max(count, 1)}).");
        }

        return new ShardSelection(index, count);
    }

    /// <summary>Whether file <paramref name="fileIndex"/> of a sorted list without a plan is this shard's.</summary>
    public bool HoldsUnplanned(int fileIndex) => fileIndex % Count == Index;

    /// <summary><c>i/N</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
