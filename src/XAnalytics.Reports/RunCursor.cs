namespace XAnalytics.Reports;

/// <summary>
/// Sorted runs of items (one per learner bucket) merged as they are read: each step takes the least of the runs' next
/// items (16 runs: a scan beats a heap). Used by the compact row lists (<see cref="SortedRunList{TItem, TRow}"/>) to
/// read or write their rows in the table's order without merging them into one array.
/// </summary>
/// <typeparam name="TItem">A compact row, ordered as the table orders its rows.</typeparam>
/// <param name="runs">The runs, each sorted.</param>
internal sealed class RunCursor<TItem>(TItem[][] runs)
    where TItem : struct, IComparable<TItem>
{
    private readonly int[] _next = new int[runs.Length];

    /// <summary>The next item in order; false once every run is read.</summary>
    public bool TryNext(out TItem item)
    {
        int best = -1;
        for (int r = 0; r < runs.Length; r++)
        {
            if (_next[r] < runs[r].Length && (best < 0 || runs[r][_next[r]].CompareTo(runs[best][_next[best]]) < 0))
            {
                best = r;
            }
        }

        if (best < 0)
        {
            item = default;
            return false;
        }

        item = runs[best][_next[best]++];
        return true;
    }
}
