namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="EventsDailyReport"/>: one per worker thread.</summary>
public sealed class EventsDailyPartial
{
    internal EventsDailyPartial()
    {
    }

    /// <summary>
    /// Events by (day, course, family), the key packed by <see cref="Key"/>. Not a value tuple holding the family: in
    /// the tool's precompiled (ReadyToRun) code the tuple's equality boxes the enum, one allocation per lookup (29 MiB
    /// over 1M events, seen in an allocation trace).
    /// </summary>
    internal Dictionary<PackedKey, long> Counts { get; } = [];

    /// <summary>The table key of a day, course and family.</summary>
    internal static PackedKey Key(int day, int course, EventFamily family) => new(PackedKey.Pack(day, course), (long)family);

    /// <summary>The day, course and family of a key made by <see cref="Key"/>.</summary>
    internal static (int Day, int Course, EventFamily Family) Fields(PackedKey key)
        => (PackedKey.HighHalf(key.High), PackedKey.LowHalf(key.High), (EventFamily)key.Low);
}
