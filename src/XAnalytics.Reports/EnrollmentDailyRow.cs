namespace XAnalytics.Reports;

/// <summary>One row of <c>enrollment_daily.csv</c>.</summary>
/// <param name="CourseId">Canonical course id.</param>
/// <param name="Day">UTC date.</param>
/// <param name="Activations">Learners unenrolled at the end of their previous day with events and enrolled at the end of this one (edX's <c>change_since_last_day</c> of 1).</param>
/// <param name="Deactivations">Learners enrolled at the end of their previous day with events and unenrolled at the end of this one (-1).</param>
/// <param name="ModeChanges"><c>edx.course.enrollment.mode_changed</c> events that changed the learner's mode that day.</param>
/// <param name="NetEnrollment">Learners enrolled at the end of the day (edX's count of <c>enrolled_at_end</c>): activations minus deactivations up to this day, never negative.</param>
public sealed record EnrollmentDailyRow(string CourseId, DateOnly Day, long Activations, long Deactivations, long ModeChanges, long NetEnrollment);
