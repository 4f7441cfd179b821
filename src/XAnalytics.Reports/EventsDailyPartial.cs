namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="EventsDailyReport"/>: one per worker thread.</summary>
public sealed class EventsDailyPartial
{
    internal EventsDailyPartial()
    {
    }

    internal Dictionary<(int Day, int Course, EventFamily Family), long> Counts { get; } = [];
}
