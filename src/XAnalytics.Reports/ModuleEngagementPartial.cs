using XAnalytics.Formats;

namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="ModuleEngagementSection"/>: one per worker thread.</summary>
public sealed class ModuleEngagementPartial
{
    internal ModuleEngagementPartial()
    {
    }

    /// <summary>Interactions per key.</summary>
    internal Dictionary<ModuleEngagementKey, long> Counts { get; } = [];

    /// <summary>Usernames by hash.</summary>
    internal EdxStringTable Users { get; } = new();

    /// <summary>Entity ids by hash.</summary>
    internal EdxStringTable Entities { get; } = new();

    /// <summary>The last UTC day of any kept event (the week of the metric ranges ends on it without <c>--to</c>).</summary>
    internal int MaxDay { get; set; } = int.MinValue;

    internal byte[] UserBuffer { get; set; } = new byte[64];

    internal byte[] EntityBuffer { get; set; } = new byte[256];
}
