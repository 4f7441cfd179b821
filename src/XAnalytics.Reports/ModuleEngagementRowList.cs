using System.Collections;

namespace XAnalytics.Reports;

/// <summary>
/// <see cref="ModuleEngagementSection.Rows"/>: the rows kept as 24-byte <see cref="ModuleEngagementItem"/>s (texts by
/// rank, each text once), each <see cref="ModuleEngagementRow"/> made when read. Holding a table of row objects cost
/// about 3.5x as much (an object of 72 bytes a row and a reference to it, against 24 bytes a row).
/// </summary>
internal sealed class ModuleEngagementRowList : IReadOnlyList<ModuleEngagementRow>
{
    private static readonly string[] s_entityNames = ["discussion", "problem", "video"];
    private static readonly string[] s_actionNames = ["attempted", "completed", "contributed", "viewed"];

    private readonly ModuleEngagementItem[] _items;
    private readonly string[] _courses;
    private readonly string[] _users;
    private readonly string[] _entities;

    /// <param name="items">The rows in table order, their texts by rank.</param>
    /// <param name="courses">The courses by rank.</param>
    /// <param name="users">The usernames by rank.</param>
    /// <param name="entities">The entity ids by rank.</param>
    public ModuleEngagementRowList(ModuleEngagementItem[] items, string[] courses, string[] users, string[] entities)
        => (_items, _courses, _users, _entities) = (items, courses, users, entities);

    /// <summary>The rows, compact.</summary>
    public ReadOnlySpan<ModuleEngagementItem> Items => _items;

    public int Count => _items.Length;

    public ModuleEngagementRow this[int index] => Row(_items[index]);

    /// <summary>The course of a rank.</summary>
    public string Course(int rank) => _courses[rank];

    /// <summary>The rows of problems in <paramref name="courseId"/> (what the course pages read), made only for them.</summary>
    public IReadOnlyList<ModuleEngagementRow> ProblemRowsOf(string courseId)
    {
        int course = Array.BinarySearch(_courses, courseId, StringComparer.Ordinal);
        var rows = new List<ModuleEngagementRow>();
        if (course < 0)
        {
            return rows;
        }

        foreach (ModuleEngagementItem it in _items)
        {
            if (it.Course == course && it.Entity == ModuleEngagementEntity.Problem)
            {
                rows.Add(Row(it));
            }
        }

        return rows;
    }

    public IEnumerator<ModuleEngagementRow> GetEnumerator()
    {
        for (int i = 0; i < _items.Length; i++)
        {
            yield return Row(_items[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private ModuleEngagementRow Row(in ModuleEngagementItem it)
        => new(DateOnly.FromDayNumber(it.Day), _courses[it.Course], _users[it.User], s_entityNames[(int)it.Entity], _entities[it.EntityId], s_actionNames[(int)it.Action], it.Count);
}
