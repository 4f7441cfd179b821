namespace XAnalytics.Reports;

/// <summary>
/// The key of one <c>module_engagement</c> count: day, course, learner and entity (their texts hashed, see
/// <see cref="EdxStringTable"/>), and the interaction. Packed in three words (24 bytes, was 32 as a record struct of
/// six fields): the day (below 2^22 for any <see cref="DateOnly"/>), entity and action share one half of a word with
/// the course in the other; its hash is one multiply and shift per word instead of a combination over six fields.
/// </summary>
internal readonly struct ModuleEngagementKey : IEquatable<ModuleEngagementKey>
{
    private readonly long _dayCourse;

    public ModuleEngagementKey(int day, int course, ulong user, ModuleEngagementEntity entity, ulong entityId, ModuleEngagementAction action)
    {
        _dayCourse = PackedKey.Pack((day << 4) | ((int)entity << 2) | (int)action, course);
        User = user;
        EntityId = entityId;
    }

    public int Day => PackedKey.HighHalf(_dayCourse) >> 4;

    public int Course => PackedKey.LowHalf(_dayCourse);

    public ulong User { get; }

    public ModuleEngagementEntity Entity => (ModuleEngagementEntity)((PackedKey.HighHalf(_dayCourse) >> 2) & 3);

    public ulong EntityId { get; }

    public ModuleEngagementAction Action => (ModuleEngagementAction)(PackedKey.HighHalf(_dayCourse) & 3);

    /// <summary>The entity type and action as one number (entity type times 4 plus action): their order is the names' order.</summary>
    public int Kind => PackedKey.HighHalf(_dayCourse) & 15;

    public bool Equals(ModuleEngagementKey other) => _dayCourse == other._dayCourse && User == other.User && EntityId == other.EntityId;

    public override bool Equals(object? obj) => obj is ModuleEngagementKey other && Equals(other);

    public override int GetHashCode()
    {
        ulong h = ((ulong)_dayCourse * 0x9E3779B97F4A7C15UL) ^ User;
        h = (h * 0xBF58476D1CE4E5B9UL) ^ EntityId;
        h = (h ^ (h >> 31)) * 0x94D049BB133111EBUL;
        return (int)(h ^ (h >> 32));
    }

    public static bool operator ==(ModuleEngagementKey left, ModuleEngagementKey right) => left.Equals(right);

    public static bool operator !=(ModuleEngagementKey left, ModuleEngagementKey right) => !left.Equals(right);
}
