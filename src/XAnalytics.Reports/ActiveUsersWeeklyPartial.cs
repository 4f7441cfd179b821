namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="ActiveUsersWeeklySection"/>: one per worker thread.</summary>
public sealed class ActiveUsersWeeklyPartial
{
    internal ActiveUsersWeeklyPartial()
    {
    }

    /// <summary>(Monday's day number, username hash) pairs seen.</summary>
    internal HashSet<(int Week, ulong User)> Active { get; } = [];

    /// <summary>The usernames by hash.</summary>
    internal Dictionary<ulong, string> Names { get; } = [];

    /// <summary>A buffer for unescaping usernames.</summary>
    internal byte[] Scratch { get; set; } = new byte[64];

    // The last pair added: a learner's events come in runs, which spares most set probes.
    internal int LastWeek { get; set; } = int.MinValue;

    internal ulong LastUser { get; set; }
}
