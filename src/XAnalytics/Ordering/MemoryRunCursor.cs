namespace XAnalytics.Ordering;

/// <summary>Reads a sorted <see cref="SortRun"/> in place: the last run of each worker is merged from memory, never spilled.</summary>
internal sealed class MemoryRunCursor(SortRun run) : IRecordCursor
{
    private int _index = -1;

    public ReadOnlySpan<byte> Key => run.Key(_index);

    public ReadOnlySpan<byte> Json => run.Json(_index);

    public bool MoveNext() => ++_index < run.Count;

    public void Dispose()
    {
    }
}
