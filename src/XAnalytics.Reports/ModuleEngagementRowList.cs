namespace XAnalytics.Reports;

/// <summary>
/// <see cref="ModuleEngagementSection.Rows"/>: the rows kept as 24-byte <see cref="ModuleEngagementItem"/>s (texts by
/// rank, each text once), in one sorted run per learner bucket, each <see cref="ModuleEngagementRow"/> made when read.
/// Reading them in order merges the runs as it goes; the first read by index merges them into one array (kept).
/// Holding a table of row objects cost about 4x as much (an object of 72 bytes a row and a reference to it, against 24
/// bytes a row), and merging the runs into one array at the end twice the rows' size for a moment.
/// </summary>
internal sealed class ModuleEngagementRowList : SortedRunList<ModuleEngagementItem, ModuleEngagementRow>
{
    private static readonly string[] s_entityNames = ["discussion", "problem", "video"];
    private static readonly string[] s_actionNames = ["attempted", "completed", "contributed", "viewed"];

    private readonly string[] _courses;
    private readonly string[] _users;
    private readonly string[] _entities;

    /// <param name="runs">The rows in sorted runs (the table's order), their texts by rank; no two rows are equal.</param>
    /// <param name="courses">The courses by rank.</param>
    /// <param name="users">The usernames by rank.</param>
    /// <param name="entities">The entity ids by rank.</param>
    public ModuleEngagementRowList(ModuleEngagementItem[][] runs, string[] courses, string[] users, string[] entities)
        : base(runs)
    {
        (_courses, _users, _entities) = (courses, users, entities);
    }

    /// <summary>The rows of problems in <paramref name="courseId"/> (what the course pages read), made only for them.</summary>
    public IReadOnlyList<ModuleEngagementRow> ProblemRowsOf(string courseId)
    {
        int course = Array.BinarySearch(_courses, courseId, StringComparer.Ordinal);
        var rows = new List<ModuleEngagementRow>();
        RunCursor<ModuleEngagementItem> cursor = Items();
        while (course >= 0 && cursor.TryNext(out ModuleEngagementItem it))
        {
            if (it.Course == course && it.Entity == ModuleEngagementEntity.Problem)
            {
                rows.Add(Row(it));
            }
        }

        return rows;
    }

    /// <summary>
    /// Adds the rows to <paramref name="table"/> straight from the compact runs: no row object is made. For a CSV
    /// (<paramref name="csv"/>) the dates and small counts are written from texts made once each, so writing allocates
    /// next to nothing (two strings a row made the heap grow by its young generation's budget).
    /// </summary>
    public void WriteTo(ReportTable table, bool csv)
    {
        RunCursor<ModuleEngagementItem> cursor = Items();
        var dates = new Dictionary<int, string>();
        string[] counts = new string[256];
        while (cursor.TryNext(out ModuleEngagementItem it))
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

            table.Add(_courses[it.Course]).Add(_users[it.User]).Add(s_entityNames[(int)it.Entity]).Add(_entities[it.EntityId]).Add(s_actionNames[(int)it.Action]);
            if (csv && it.Count is >= 0 and < 256)
            {
                table.Add(counts[it.Count] ??= CsvTable.Number(it.Count));
            }
            else
            {
                table.Add(it.Count);
            }

            table.EndRow();
        }
    }

    protected override ModuleEngagementRow Row(in ModuleEngagementItem it)
        => new(DateOnly.FromDayNumber(it.Day), _courses[it.Course], _users[it.User], s_entityNames[(int)it.Entity], _entities[it.EntityId], s_actionNames[(int)it.Action], it.Count);
}
