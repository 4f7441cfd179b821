namespace XAnalytics.Reports;

/// <summary>
/// <see cref="ActiveUsersWeeklySection.Rows"/>: the rows kept as 8-byte <see cref="ActiveUsersWeeklyItem"/>s (usernames
/// by rank, each once), in one sorted run per learner bucket, each <see cref="ActiveUsersWeeklyRow"/> made when read.
/// Reading them in order merges the runs as it goes; the first read by index merges them into one array (kept).
/// </summary>
internal sealed class ActiveUsersWeeklyRowList : SortedRunList<ActiveUsersWeeklyItem, ActiveUsersWeeklyRow>
{
    private readonly string[] _users;

    /// <param name="runs">The rows in sorted runs (the table's order); no two rows are equal.</param>
    /// <param name="users">The usernames by rank.</param>
    public ActiveUsersWeeklyRowList(SortedRuns<ActiveUsersWeeklyItem> runs, string[] users)
        : base(runs)
    {
        _users = users;
    }

    /// <summary>Adds the rows to <paramref name="table"/> straight from the compact runs: no row object is made; for a CSV (<paramref name="csv"/>) each date's text is made once.</summary>
    public void WriteTo(ReportTable table, bool csv)
    {
        RunCursor<ActiveUsersWeeklyItem> cursor = Items();
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

    protected override ActiveUsersWeeklyRow Row(in ActiveUsersWeeklyItem it)
    {
        var monday = DateOnly.FromDayNumber(it.Week);
        return new(monday, monday.AddDays(7), _users[it.User]);
    }
}
