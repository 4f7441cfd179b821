namespace XAnalytics.Ordering;

/// <summary>
/// The k-way merge of sorted cursors into one sorted sequence: a binary heap of cursors by their current key.
/// Keys are unique (they end with the event's file and line), so the merge's order is total.
/// </summary>
internal sealed class RecordMerger : IRecordCursor
{
    private readonly IRecordCursor[] _heap;
    private int _size;
    private bool _started;

    public RecordMerger(IEnumerable<IRecordCursor> cursors)
    {
        var live = new List<IRecordCursor>();
        foreach (IRecordCursor cursor in cursors)
        {
            if (cursor.MoveNext())
            {
                live.Add(cursor);
            }
            else
            {
                cursor.Dispose();
            }
        }

        _heap = [.. live];
        _size = _heap.Length;
        for (int i = (_size / 2) - 1; i >= 0; i--)
        {
            SiftDown(i);
        }
    }

    /// <summary>The smallest record's cursor; valid until the next <see cref="MoveNext"/>.</summary>
    public IRecordCursor Current => _heap[0];

    /// <summary>The smallest record's key (<see cref="Current"/>'s): the merger read as one cursor.</summary>
    public ReadOnlySpan<byte> Key => _heap[0].Key;

    /// <summary>The smallest record's event (<see cref="Current"/>'s).</summary>
    public ReadOnlySpan<byte> Json => _heap[0].Json;

    public bool MoveNext()
    {
        if (!_started)
        {
            _started = true;
            return _size > 0;
        }

        if (_size == 0)
        {
            return false;
        }

        if (!_heap[0].MoveNext())
        {
            _heap[0].Dispose();
            _heap[0] = _heap[--_size];
            _heap[_size] = null!;
            if (_size == 0)
            {
                return false;
            }
        }

        SiftDown(0);
        return true;
    }

    public void Dispose()
    {
        for (int i = 0; i < _size; i++)
        {
            _heap[i].Dispose();
        }

        _size = 0;
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            int smallest = i;
            int left = (2 * i) + 1;
            int right = left + 1;
            if (left < _size && _heap[left].Key.SequenceCompareTo(_heap[smallest].Key) < 0)
            {
                smallest = left;
            }

            if (right < _size && _heap[right].Key.SequenceCompareTo(_heap[smallest].Key) < 0)
            {
                smallest = right;
            }

            if (smallest == i)
            {
                return;
            }

            (_heap[i], _heap[smallest]) = (_heap[smallest], _heap[i]);
            i = smallest;
        }
    }
}
