namespace XAnalytics.Reports;

/// <summary>
/// One row of <c>module_engagement.csv</c> with its texts replaced by their ranks (24 bytes, no references): the
/// section's compact store of its rows (<see cref="ModuleEngagementRowList"/>), and a partial's records as written.
/// Its order is the table's: day, course, learner, entity type, entity id, action (by rank, which is the texts' ordinal order).
/// </summary>
internal readonly struct ModuleEngagementItem : IComparable<ModuleEngagementItem>
{
    private readonly int _dayKind;

    public ModuleEngagementItem(int day, int kind, int course, int user, int entityId, long count)
    {
        _dayKind = (day << 4) | kind;
        Course = course;
        User = user;
        EntityId = entityId;
        Count = count;
    }

    public int Day => _dayKind >> 4;

    /// <summary>The entity type and action (see <see cref="ModuleEngagementKey.Kind"/>).</summary>
    public int Kind => _dayKind & 15;

    public ModuleEngagementEntity Entity => (ModuleEngagementEntity)(Kind >> 2);

    public ModuleEngagementAction Action => (ModuleEngagementAction)(Kind & 3);

    public int Course { get; }

    public int User { get; }

    public int EntityId { get; }

    public long Count { get; }

    /// <summary>The same row in another course (a rank in place of an id).</summary>
    public ModuleEngagementItem WithCourse(int course) => new(Day, Kind, course, User, EntityId, Count);

    public int CompareTo(ModuleEngagementItem other)
    {
        int c = Day.CompareTo(other.Day);
        c = c != 0 ? c : Course.CompareTo(other.Course);
        c = c != 0 ? c : User.CompareTo(other.User);
        c = c != 0 ? c : ((int)Entity).CompareTo((int)other.Entity);
        c = c != 0 ? c : EntityId.CompareTo(other.EntityId);
        return c != 0 ? c : ((int)Action).CompareTo((int)other.Action);
    }
}
