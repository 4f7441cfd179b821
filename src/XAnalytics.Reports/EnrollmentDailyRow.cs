namespace XAnalytics.Reports;

/// <summary>One row of <c>enrollment_daily.csv</c>.</summary>
/// <param name="CourseId">Canonical course id.</param>
/// <param name="Day">UTC date.</param>
/// <param name="Activations"><c>edx.course.enrollment.activated</c> events that day.</param>
/// <param name="Deactivations"><c>edx.course.enrollment.deactivated</c> events that day.</param>
/// <param name="ModeChanges"><c>edx.course.enrollment.mode_changed</c> events that day.</param>
/// <param name="NetEnrollment">Activations minus deactivations from the course's first day up to this one.</param>
public sealed record EnrollmentDailyRow(string CourseId, DateOnly Day, long Activations, long Deactivations, long ModeChanges, long NetEnrollment);
