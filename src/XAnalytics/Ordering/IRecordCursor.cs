namespace XAnalytics.Ordering;

/// <summary>A sorted sequence of records (key and event JSON), read forward: a run in memory or a spill file.</summary>
internal interface IRecordCursor : IDisposable
{
    /// <summary>The current record's key; valid until the next <see cref="MoveNext"/>.</summary>
    ReadOnlySpan<byte> Key { get; }

    /// <summary>The current record's event JSON; valid until the next <see cref="MoveNext"/>.</summary>
    ReadOnlySpan<byte> Json { get; }

    /// <summary>Moves to the next record; false at the end.</summary>
    bool MoveNext();
}
