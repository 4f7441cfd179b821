namespace XAnalytics.Reports;

/// <summary>One row of <c>events_daily.csv</c>.</summary>
/// <param name="Day">UTC date.</param>
/// <param name="CourseId">Canonical course id (<c>Org/Num/Run</c>), empty when the event names no course.</param>
/// <param name="Family">The events' family.</param>
/// <param name="Events">Events counted.</param>
public sealed record EventsDailyRow(DateOnly Day, string CourseId, EventFamily Family, long Events);
