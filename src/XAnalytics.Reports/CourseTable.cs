using System.Collections.Concurrent;

namespace XAnalytics.Reports;

/// <summary>Canonical course ids shared by all threads of a run: a small id per course, so partials merge by number.</summary>
internal sealed class CourseTable
{
    private readonly ConcurrentDictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly Lock _lock = new();

    public int GetId(string canonical)
    {
        if (_ids.TryGetValue(canonical, out int id))
        {
            return id;
        }

        lock (_lock)
        {
            if (!_ids.TryGetValue(canonical, out id))
            {
                id = _names.Count;
                _names.Add(canonical);
                _ids[canonical] = id;
            }

            return id;
        }
    }

    public string Name(int id)
    {
        lock (_lock)
        {
            return _names[id];
        }
    }
}
