namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="TagsDistributionSection"/>: one per worker thread.</summary>
public sealed class TagsDistributionPartial
{
    internal TagsDistributionPartial()
    {
    }

    /// <summary>Problems by course and the hash of their id (a second problem sharing a hash goes in its list).</summary>
    internal Dictionary<(int Course, ulong Problem), List<TagsProblem>> Problems { get; } = [];

    internal EdxEventDataCheck EventData { get; } = new();

    internal byte[] Unescaped { get; set; } = new byte[256];
}
