using System.Collections;

namespace XAnalytics.Reports;

/// <summary>
/// <see cref="ActiveUsersWeeklySection.Rows"/>: the rows kept as 8-byte <see cref="ActiveUsersWeeklyItem"/>s (usernames
/// by rank, each once), in one sorted run per learner bucket, each <see cref="ActiveUsersWeeklyRow"/> made when read.
/// Reading them in order merges the runs as it goes; the first read by index merges them into one array (kept).
/// </summary>
internal sealed class ActiveUsersWeeklyRowList : IReadOnlyList<ActiveUsersWeeklyRow>
{
    private readonly ActiveUsersWeeklyItem[][] _runs;
    private readonly string[] _users;
    private ActiveUsersWeeklyItem[]? _merged;

    /// <param name="runs">The rows in sorted runs (the table's order); no two rows are equal.</param>
    /// <param name="users">The usernames by rank.</param>
    public ActiveUsersWeeklyRowList(ActiveUsersWeeklyItem[][] runs, string[] users)
    {
        (_runs, _users) = (runs, users);
        foreach (ActiveUsersWeeklyItem[] run in runs)
        {
            Count += run.Length;
        }
    }

    public int Count { get; }

    public ActiveUsersWeeklyRow this[int index]
    {
        get
        {
            if (_merged is null)
            {
                var merged = new ActiveUsersWeeklyItem[Count];
                int i = 0;
                var cursor = new Cursor(_runs);
                while (cursor.TryNext(out ActiveUsersWeeklyItem it))
                {
                    merged[i++] = it;
                }

                _merged = merged;
            }

            return Row(_merged[index]);
        }
    }

    /// <summary>Adds the rows to <paramref name="table"/> straight from the compact runs: no row object is made; for a CSV (<paramref name="csv"/>) each date's text is made once.</summary>
    public void WriteTo(ReportTable table, bool csv)
    {
        var cursor = new Cursor(_runs);
        int week = int.MinValue;
        string start = "", end = "";
        while (cursor.TryNext(out ActiveUsersWeeklyItem it))
        {
            var monday = DateOnly.FromDayNumber(it.Week);
            if (csv)
            {
                if (it.Week != week)
                {
                    (week, start, end) = (it.Week, CsvTable.Date(monday), CsvTable.Date(monday.AddDays(7)));
                }

                table.Add(start).Add(end);
            }
            else
            {
                table.Add(monday).Add(monday.AddDays(7));
            }

            table.Add(_users[it.User]).EndRow();
        }
    }

    public IEnumerator<ActiveUsersWeeklyRow> GetEnumerator()
    {
        var cursor = new Cursor(_runs);
        while (cursor.TryNext(out ActiveUsersWeeklyItem it))
        {
            yield return Row(it);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private ActiveUsersWeeklyRow Row(in ActiveUsersWeeklyItem it)
    {
        var monday = DateOnly.FromDayNumber(it.Week);
        return new(monday, monday.AddDays(7), _users[it.User]);
    }

    /// <summary>The runs merged as read: each step takes the least of the runs' next rows (16 runs: a scan beats a heap).</summary>
    private sealed class Cursor(ActiveUsersWeeklyItem[][] runs)
    {
        private readonly int[] _next = new int[runs.Length];

        public bool TryNext(out ActiveUsersWeeklyItem item)
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
}
