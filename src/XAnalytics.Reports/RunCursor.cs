namespace XAnalytics.Reports;

/// <summary>
/// Sorted runs of items (one per learner bucket) merged as they are read: each step takes the least of the runs' next
/// items (16 runs: a scan beats a heap). Used by the compact row lists (<see cref="SortedRunList{TItem, TRow}"/>) to
/// read or write their rows in the table's order without merging them into one array. The runs are arrays, or the
/// runs of a <see cref="RunFile{TItem}"/>, read a block of each at a time.
/// </summary>
/// <typeparam name="TItem">A compact row, ordered as the table orders its rows.</typeparam>
internal sealed class RunCursor<TItem>
    where TItem : unmanaged, IComparable<TItem>
{
    private readonly TItem[][] _blocks;
    private readonly int[] _count;
    private readonly int[] _next;
    private readonly int[] _block;
    private readonly RunFile<TItem>? _file;
    private byte[] _compressed = [];
    private int _run;

    /// <param name="runs">The runs, each sorted.</param>
    public RunCursor(TItem[][] runs)
    {
        _blocks = runs;
        _count = new int[runs.Length];
        _next = new int[runs.Length];
        _block = new int[runs.Length];
        for (int r = 0; r < runs.Length; r++)
        {
            _count[r] = runs[r].Length;
        }
    }

    /// <param name="file">The runs, each sorted, in a scratch file: each run's first block is read now.</param>
    public RunCursor(RunFile<TItem> file)
    {
        _file = file;
        int runs = file.RunCount;
        _blocks = new TItem[runs][];
        _count = new int[runs];
        _next = new int[runs];
        _block = new int[runs];
        for (int r = 0; r < runs; r++)
        {
            _blocks[r] = new TItem[RunFile<TItem>.BlockItems];
            _count[r] = file.Read(r, 0, _blocks[r], ref _compressed);
        }
    }

    /// <summary>The next item in order; false once every run is read.</summary>
    public bool TryNext(out TItem item)
    {
        int best = -1;
        for (int r = 0; r < _blocks.Length; r++)
        {
            if (_next[r] < _count[r] && (best < 0 || _blocks[r][_next[r]].CompareTo(_blocks[best][_next[best]]) < 0))
            {
                best = r;
            }
        }

        if (best < 0)
        {
            item = default;
            return false;
        }

        item = Take(best);
        return true;
    }

    /// <summary>The next item in the runs' own order (the first run's, then the second's...): for a reader to whom the order does not matter (no merge); false once every run is read.</summary>
    public bool TryNextInRunOrder(out TItem item)
    {
        while (_run < _blocks.Length && _next[_run] == _count[_run])
        {
            _run++;
        }

        if (_run == _blocks.Length)
        {
            item = default;
            return false;
        }

        item = Take(_run);
        return true;
    }

    /// <summary>The run's next item; once its block is read, a file run's next block is read (over the last).</summary>
    private TItem Take(int run)
    {
        TItem item = _blocks[run][_next[run]++];
        if (_next[run] == _count[run] && _file is not null)
        {
            _count[run] = _file.Read(run, ++_block[run], _blocks[run], ref _compressed);
            _next[run] = 0;
        }

        return item;
    }
}
