using System.Collections;

namespace XAnalytics.Reports;

/// <summary>
/// A section's rows kept as compact items in one sorted run per learner bucket, each row object made when read:
/// reading in order merges the runs as it goes (<see cref="RunCursor{TItem}"/>); the first read by index merges them
/// into one array (kept). The public <c>Rows</c> of the sections that spill by learner bucket (module engagement, forum
/// activity, active users) are these, so a run holds a few bytes a row rather than a row object and its texts.
/// </summary>
/// <typeparam name="TItem">A compact row, ordered as the table orders its rows.</typeparam>
/// <typeparam name="TRow">The public row it stands for.</typeparam>
internal abstract class SortedRunList<TItem, TRow> : IReadOnlyList<TRow>, IDisposable
    where TItem : unmanaged, IComparable<TItem>
{
    private readonly TItem[][]? _runs;
    private readonly RunFile<TItem>? _file;
    private TItem[]? _merged;

    /// <param name="runs">The rows in sorted runs (the table's order); no two rows are equal.</param>
    protected SortedRunList(TItem[][] runs)
    {
        _runs = runs;
        foreach (TItem[] run in runs)
        {
            Count += run.Length;
        }
    }

    /// <param name="runs">The rows in sorted runs (the table's order), in memory or in a scratch file, which the list now owns; no two rows are equal.</param>
    protected SortedRunList(SortedRuns<TItem> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Arrays is { } arrays)
        {
            _runs = arrays;
            foreach (TItem[] run in arrays)
            {
                Count += run.Length;
            }

            return;
        }

        _file = runs.TakeFile()!;
        long count = 0;
        for (int r = 0; r < _file.RunCount; r++)
        {
            count += _file.ItemsOf(r);
        }

        Count = checked((int)count);
    }

    public int Count { get; }

    public TRow this[int index]
    {
        get
        {
            if (_merged is null)
            {
                var merged = new TItem[Count];
                int i = 0;
                RunCursor<TItem> cursor = Items();
                while (cursor.TryNext(out TItem it))
                {
                    merged[i++] = it;
                }

                _merged = merged;
            }

            return Row(_merged[index]);
        }
    }

    public IEnumerator<TRow> GetEnumerator()
    {
        RunCursor<TItem> cursor = Items();
        while (cursor.TryNext(out TItem it))
        {
            yield return Row(it);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>True when the runs are in a scratch file (<see cref="RunFile{TItem}"/>), for tests.</summary>
    internal bool IsSpilled => _file is not null;

    /// <summary>Closes the runs' scratch file, if any (the rows cannot be read after it).</summary>
    public void Dispose() => _file?.Dispose();

    /// <summary>
    /// The items in the table's order, merged from the runs as they are read (<see cref="RunCursor{TItem}.TryNext"/>),
    /// or in the runs' own order for a reader to whom the order does not matter (<see cref="RunCursor{TItem}.TryNextInRunOrder"/>).
    /// </summary>
    protected RunCursor<TItem> Items() => _file is null ? new(_runs!) : new(_file);

    /// <summary>The row <paramref name="item"/> stands for.</summary>
    protected abstract TRow Row(in TItem item);
}
