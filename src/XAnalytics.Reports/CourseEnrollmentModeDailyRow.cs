namespace XAnalytics.Reports;

/// <summary>One row of <c>course_enrollment_mode_daily.csv</c> (edX's <c>EnrollmentByModeRecord</c>).</summary>
/// <param name="Date">UTC date.</param>
/// <param name="CourseId">Course id, as edX writes it.</param>
/// <param name="Mode">The mode of the learner's last enrollment event on or before the day.</param>
/// <param name="Count">Learners in this mode enrolled at the end of the day.</param>
/// <param name="CumulativeCount">Learners whose record that day has this mode, enrolled or not (edX's <c>COUNT(user_id)</c>).</param>
public sealed record CourseEnrollmentModeDailyRow(DateOnly Date, string CourseId, string Mode, long Count, long CumulativeCount);
