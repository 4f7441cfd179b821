namespace XAnalytics.Reports;

/// <summary>One row of <c>course_enrollment_daily.csv</c> (edX's <c>EnrollmentDailyRecord</c>).</summary>
/// <param name="Date">UTC date.</param>
/// <param name="CourseId">Course id, as edX writes it.</param>
/// <param name="Count">Learners enrolled at the end of the day (edX's <c>SUM(at_end)</c>).</param>
/// <param name="CumulativeCount">Learners with an enrollment record that day: every learner whose first enrollment event was on or before it (edX's <c>COUNT(user_id)</c>).</param>
public sealed record CourseEnrollmentDailyRow(DateOnly Date, string CourseId, long Count, long CumulativeCount);
