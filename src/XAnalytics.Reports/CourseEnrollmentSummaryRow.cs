namespace XAnalytics.Reports;

/// <summary>One row of <c>course_enrollment_summary.csv</c> (edX's <c>EnrollmentSummaryRecord</c>): a learner's enrollment history in a course.</summary>
/// <param name="CourseId">Course id, as edX writes it.</param>
/// <param name="UserId"><c>event.user_id</c> of the enrollment events.</param>
/// <param name="CurrentEnrollmentMode">The last mode seen on an activation or on a mode change while enrolled.</param>
/// <param name="CurrentEnrollmentIsActive">Enrolled at the end of the interval.</param>
/// <param name="FirstEnrollmentMode">The mode of the first activation.</param>
/// <param name="FirstEnrollmentTime">Time of the first activation (UTC).</param>
/// <param name="LastUnenrollmentTime">Time of the last deactivation that unenrolled the learner, or null.</param>
/// <param name="FirstVerifiedEnrollmentTime">Time of the first activation or enrolled mode change to <c>verified</c>, or null.</param>
/// <param name="FirstCreditEnrollmentTime">Time of the first activation or enrolled mode change to <c>credit</c>, or null.</param>
/// <param name="EndTime">The end of the interval analysed (midnight after its last day).</param>
public sealed record CourseEnrollmentSummaryRow(
    string CourseId,
    long UserId,
    string CurrentEnrollmentMode,
    bool CurrentEnrollmentIsActive,
    string FirstEnrollmentMode,
    DateTime FirstEnrollmentTime,
    DateTime? LastUnenrollmentTime,
    DateTime? FirstVerifiedEnrollmentTime,
    DateTime? FirstCreditEnrollmentTime,
    DateTime EndTime);
