namespace XAnalytics.Reports;

/// <summary>One row of <c>active_users_weekly.csv</c>: edX's <c>f_active_users_per_week</c> table.</summary>
/// <param name="StartDate">The ISO week's Monday.</param>
/// <param name="EndDate">The next Monday (exclusive).</param>
/// <param name="Username">The learner's username, stripped.</param>
public sealed record ActiveUsersWeeklyRow(DateOnly StartDate, DateOnly EndDate, string Username);
