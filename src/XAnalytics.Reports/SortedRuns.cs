using System.Runtime.CompilerServices;

namespace XAnalytics.Reports;

/// <summary>
/// The sorted runs of a section's compact rows as its completion makes them, one per learner bucket: each run in its
/// own array, or, when the rows would take more than a budget, written to a scratch file as it is made
/// (<see cref="RunFile{TItem}"/>) from one reused buffer, so the rows held until the report is written no longer grow
/// with the archive. A <see cref="SortedRunList{TItem, TRow}"/> reads them.
/// </summary>
/// <typeparam name="TItem">A compact row, ordered as the table orders its rows.</typeparam>
internal sealed class SortedRuns<TItem> : IDisposable
    where TItem : unmanaged, IComparable<TItem>
{
    private readonly List<TItem[]> _arrays = [];
    private RunFile<TItem>? _file;
    private TItem[] _current = [];

    /// <param name="items">At most how many rows the runs will hold (an estimate from above: the records they are made of).</param>
    /// <param name="spillBytes">The rows' bytes above which they go to a scratch file.</param>
    /// <param name="scratch">The <c>scratch-dir</c> setting (null: the system's temporary folder).</param>
    /// <param name="kind">The section, in the private folder's name.</param>
    public SortedRuns(long items, long spillBytes, string? scratch, string kind)
    {
        if (items * Unsafe.SizeOf<TItem>() > spillBytes)
        {
            _file = RunFile<TItem>.Create(scratch, kind);
        }
    }

    /// <summary>True when the runs go to a scratch file.</summary>
    public bool IsSpilled => _file is not null;

    /// <summary>Room for the next run, at most <paramref name="length"/> rows, to fill and then <see cref="Commit"/>.</summary>
    public Span<TItem> Next(int length)
    {
        if (_file is null)
        {
            _current = new TItem[length];
        }
        else if (_current.Length < length)
        {
            _current = new TItem[length];
        }

        return _current.AsSpan(0, length);
    }

    /// <summary>Sorts the first <paramref name="count"/> rows of the room <see cref="Next"/> gave and keeps them as a run.</summary>
    public void Commit(int count)
    {
        Span<TItem> run = _current.AsSpan(0, count);
        run.Sort(); // the item's own CompareTo through a struct comparer: no delegate call per comparison
        if (_file is not null)
        {
            _file.AddRun(run);
            return;
        }

        if (count < _current.Length)
        {
            Array.Resize(ref _current, count);
        }

        _arrays.Add(_current);
        _current = [];
    }

    /// <summary>The runs in memory, for a list to read (null when they are in a file).</summary>
    internal TItem[][]? Arrays => _file is null ? [.. _arrays] : null;

    /// <summary>Hands the file, if any, to the list that will read it (it no longer closes it).</summary>
    internal RunFile<TItem>? TakeFile()
    {
        RunFile<TItem>? file = _file;
        _file = null;
        _current = [];
        return file;
    }

    /// <summary>Closes the file if no list took it (a completion that failed).</summary>
    public void Dispose() => _file?.Dispose();
}
