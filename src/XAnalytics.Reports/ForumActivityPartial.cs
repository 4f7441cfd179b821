namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="ForumActivitySection"/>: one per worker thread.</summary>
public sealed class ForumActivityPartial
{
    internal ForumActivityPartial()
    {
    }

    /// <summary>Counts per UTC day, course and username (an id of <see cref="Names"/>); a key with zero counts is a learner edX lists with zeros.</summary>
    internal Dictionary<(int Day, int Course, int User), ForumCounts> Days { get; } = [];

    internal UsernameTable Names { get; } = new();

    internal EdxEventDataCheck EventData { get; } = new();

    /// <summary>The last UTC day of any event kept by the report (<see cref="int.MinValue"/> before the first).</summary>
    internal int LastDay { get; set; } = int.MinValue;

    /// <summary>A buffer for usernames written with escapes (rare).</summary>
    internal byte[] Unescaped { get; set; } = new byte[256];
}
