namespace XAnalytics.Reports;

/// <summary>
/// <see cref="ForumActivitySection.Daily"/> and <see cref="ForumActivitySection.Weekly"/>: the rows kept as 16-byte
/// <see cref="ForumActivityItem"/>s (texts by rank, each text once; the counts of the few rows with forum activity
/// aside), in one sorted run per learner bucket, each <see cref="ForumActivityRow"/> made when read. Reading them in
/// order merges the runs as it goes; the first read by index merges them into one array (kept).
/// </summary>
internal sealed class ForumActivityRowList : SortedRunList<ForumActivityItem, ForumActivityRow>
{
    private readonly string[] _courses;
    private readonly string[] _users;
    private readonly ForumCounts[] _counts;

    /// <param name="runs">The rows in sorted runs (the table's order); no two rows are equal.</param>
    /// <param name="courses">The courses by rank.</param>
    /// <param name="users">The usernames by rank.</param>
    /// <param name="counts">The counts the rows point to.</param>
    public ForumActivityRowList(SortedRuns<ForumActivityItem> runs, string[] courses, string[] users, ForumCounts[] counts)
        : base(runs)
    {
        (_courses, _users, _counts) = (courses, users, counts);
    }

    /// <summary>
    /// Adds the rows to <paramref name="table"/> straight from the compact runs: no row object is made. For a CSV
    /// (<paramref name="csv"/>) the dates and zero counts are written from texts made once each.
    /// </summary>
    public void WriteTo(ReportTable table, bool csv)
    {
        RunCursor<ForumActivityItem> cursor = Items();
        var dates = new Dictionary<int, string>();
        string zero = CsvTable.Number(0);
        while (cursor.TryNext(out ForumActivityItem it))
        {
            if (csv)
            {
                ref string? date = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(dates, it.Day, out _);
                date ??= CsvTable.Date(DateOnly.FromDayNumber(it.Day));
                table.Add(date);
            }
            else
            {
                table.Add(DateOnly.FromDayNumber(it.Day));
            }

            table.Add(_courses[it.Course]).Add(_users[it.User]);
            if (it.Counts < 0 && csv)
            {
                table.Add(zero).Add(zero).Add(zero).Add(zero).Add(zero);
            }
            else
            {
                ForumCounts c = it.Counts < 0 ? default : _counts[it.Counts];
                table.Add(c.Posts).Add(c.Responses).Add(c.Comments).Add(c.UpvotesGiven).Add(c.UpvotesReceived);
            }

            table.EndRow();
        }
    }

    protected override ForumActivityRow Row(in ForumActivityItem it)
    {
        ForumCounts c = it.Counts < 0 ? default : _counts[it.Counts];
        return new(DateOnly.FromDayNumber(it.Day), _courses[it.Course], _users[it.User], c.Posts, c.Responses, c.Comments, c.UpvotesGiven, c.UpvotesReceived);
    }
}
