namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="WeeklyActivityReport"/>: one per worker thread.</summary>
public sealed class WeeklyActivityPartial
{
    internal WeeklyActivityPartial()
    {
    }

    /// <summary>(course, week, label, user) seen, packed by <see cref="WeeklyKey"/>.</summary>
    internal HashSet<PackedKey> Weekly { get; } = [];

    /// <summary>(course, day, user) seen, packed by <see cref="DailyKey"/>.</summary>
    internal HashSet<PackedKey> Daily { get; } = [];

    // The last (user, course, day) added and the labels added for it; User 0 never matches a counted event.
    internal long LastUser { get; set; }

    internal int LastCourse { get; set; } = -1;

    internal int LastDay { get; set; }

    internal ActivityLabels LastLabels { get; set; }

    /// <summary>
    /// A (course, week, label, user) key: the course in the upper half of the first word, the week's day number (below
    /// 2^22 for any <see cref="DateOnly"/>) shifted past the label's four bits in the lower.
    /// </summary>
    internal static PackedKey WeeklyKey(int course, int week, ActivityLabels label, long user)
        => new(PackedKey.Pack(course, (week << 4) | (int)label), user);

    /// <summary>The fields of a key made by <see cref="WeeklyKey"/>.</summary>
    internal static (int Course, int Week, ActivityLabels Label, long User) WeeklyFields(PackedKey key)
    {
        int low = PackedKey.LowHalf(key.High);
        return (PackedKey.HighHalf(key.High), low >> 4, (ActivityLabels)(low & 0xF), key.Low);
    }

    /// <summary>A (course, day, user) key.</summary>
    internal static PackedKey DailyKey(int course, int day, long user) => new(PackedKey.Pack(course, day), user);

    /// <summary>The fields of a key made by <see cref="DailyKey"/>.</summary>
    internal static (int Course, int Day, long User) DailyFields(PackedKey key) => (PackedKey.HighHalf(key.High), PackedKey.LowHalf(key.High), key.Low);
}
