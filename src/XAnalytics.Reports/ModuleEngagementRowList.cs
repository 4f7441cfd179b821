using System.Runtime.InteropServices;

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
    public ModuleEngagementRowList(SortedRuns<ModuleEngagementItem> runs, string[] courses, string[] users, string[] entities)
        : base(runs)
    {
        (_courses, _users, _entities) = (courses, users, entities);
    }

    /// <summary>
    /// What the course pages rank their hardest problems by (<see cref="CoursePagesSection.Hardest(IReadOnlyList{ModuleEngagementRow}, string, int)"/>), for every course
    /// in one pass over the runs and without a row object: per course id, each problem attempted by a learner, with the
    /// distinct learners who attempted it, who completed it, and its attempts. It took a merge of every run and a row
    /// object per problem row for each course page: 372 ms of CPU over 8M events (5 courses).
    /// </summary>
    public Dictionary<string, List<CourseProblemRow>> ProblemTallies()
    {
        // Learners and problems counted by text, as rows would be: two ranks with the same text (invalid UTF-8 decoded
        // alike) are one learner or problem. Equal texts are next to each other in the rank order.
        int[] user = FirstOfEqual(_users);
        int[] entity = FirstOfEqual(_entities);
        // The distinct learners are counted from a sorted array of (course, problem, action, learner) marks, one per
        // row, in which a learner's rows of a problem are next to each other. Two sets of such triples, grown as the
        // rows were read, added 19 MiB to the working set at this step of a report over 8M generated events (20,000
        // learners, 375,711 problem rows); the marks add 6 MiB (8 MiB allocated). The first pass counts the rows and
        // adds the attempts, the second fills an array of that size (a list grown as it is read leaves the arrays it
        // outgrew on the large object heap).
        var tallies = new Dictionary<(int Course, int Entity), (long Attempted, long Completed, long Attempts)>();
        int count = 0;
        RunCursor<ModuleEngagementItem> items = Items();
        while (items.TryNextInRunOrder(out ModuleEngagementItem it))
        {
            if (IsProblemMark(it))
            {
                ref (long Attempted, long Completed, long Attempts) tally = ref CollectionsMarshal.GetValueRefOrAddDefault(tallies, (it.Course, entity[it.EntityId]), out _);
                tally.Attempts += it.Action == ModuleEngagementAction.Attempted ? it.Count : 0;
                count++;
            }
        }

        var sorted = new ProblemMark[count];
        int at = 0;
        items = Items();
        while (items.TryNextInRunOrder(out ModuleEngagementItem it))
        {
            if (IsProblemMark(it))
            {
                sorted[at++] = new ProblemMark(it.Course, entity[it.EntityId], it.Action, user[it.User]);
            }
        }

        sorted.AsSpan().Sort();
        for (int i = 0; i < sorted.Length; i++)
        {
            ProblemMark m = sorted[i];
            // Compared, not Equals: a record struct's Equals with an enum field boxed it in the precompiled (ReadyToRun)
            // code this loop runs in (called once, it is never compiled again): 17 MiB over 8M generated events.
            if (i > 0 && m.CompareTo(sorted[i - 1]) == 0)
            {
                continue; // the same learner's row of the same problem and action on another day
            }

            ref (long Attempted, long Completed, long Attempts) tally = ref CollectionsMarshal.GetValueRefOrNullRef(tallies, (m.Course, m.Entity));
            if (m.Action == ModuleEngagementAction.Attempted)
            {
                tally.Attempted++;
            }
            else
            {
                tally.Completed++;
            }
        }

        var byCourse = new Dictionary<string, List<CourseProblemRow>>(StringComparer.Ordinal);
        foreach (KeyValuePair<(int Course, int Entity), (long Attempted, long Completed, long Attempts)> kv in tallies)
        {
            if (kv.Value.Attempted == 0)
            {
                continue;
            }

            string course = _courses[kv.Key.Course];
            if (!byCourse.TryGetValue(course, out List<CourseProblemRow>? rows))
            {
                byCourse[course] = rows = [];
            }

            rows.Add(new CourseProblemRow(course, _entities[kv.Key.Entity], kv.Value.Attempted, kv.Value.Completed, kv.Value.Attempts));
        }

        return byCourse;
    }

    private static bool IsProblemMark(in ModuleEngagementItem it) =>
        it.Entity == ModuleEngagementEntity.Problem && it.Action is (ModuleEngagementAction.Attempted or ModuleEngagementAction.Completed);

    /// <summary>A learner's row of a problem with an action (ranks), ordered so that equal marks are next to each other.</summary>
    private readonly record struct ProblemMark(int Course, int Entity, ModuleEngagementAction Action, int User) : IComparable<ProblemMark>
    {
        public int CompareTo(ProblemMark other)
        {
            int c = Course.CompareTo(other.Course);
            c = c != 0 ? c : Entity.CompareTo(other.Entity);
            c = c != 0 ? c : ((byte)Action).CompareTo((byte)other.Action);
            return c != 0 ? c : User.CompareTo(other.User);
        }
    }

    /// <summary>For each rank of <paramref name="texts"/> (sorted), the first rank with the same text.</summary>
    private static int[] FirstOfEqual(string[] texts)
    {
        int[] first = new int[texts.Length];
        for (int i = 0; i < texts.Length; i++)
        {
            first[i] = i > 0 && string.Equals(texts[i], texts[i - 1], StringComparison.Ordinal) ? first[i - 1] : i;
        }

        return first;
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
