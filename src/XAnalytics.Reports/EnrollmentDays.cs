namespace XAnalytics.Reports;

/// <summary>
/// edX's enrollment state machine, <c>DaysEnrolledForEvents</c> (<c>edx/analytics/tasks/insights/enrollments.py</c>:
/// <c>days_enrolled</c> and <c>change_state</c>), shared by <see cref="EnrollmentDailyReport"/> and
/// <see cref="EnrollmentSection"/>.
/// </summary>
internal static class EnrollmentDays
{
    /// <summary>
    /// Walks one learner's events in one course, sorted as edX sorts them: the learner starts unenrolled with mode
    /// "unknown" (here 0); an activation enrolls only an unenrolled learner, a deactivation unenrolls only an enrolled
    /// one; a mode change counts when its mode differs from the mode of the event before it; every event sets the mode.
    /// At the last event of each day <paramref name="visitor"/> is told the state, with the day of the next event
    /// (<paramref name="endDay"/>, edX's <c>interval.date_b</c>, after the last one).
    /// </summary>
    public static void Walk<TVisitor>(List<EnrollmentEvent> sorted, int endDay, ref TVisitor visitor)
        where TVisitor : struct, IEnrollmentDayVisitor
    {
        bool enrolled = false, enrolledAtLastDayEnd = false;
        ulong mode = 0;
        long modeChanges = 0;
        for (int e = 0; e < sorted.Count; e++)
        {
            EnrollmentEvent ev = sorted[e];
            if (enrolled && ev.Change == EnrollmentChange.Deactivated)
            {
                enrolled = false;
            }
            else if (!enrolled && ev.Change == EnrollmentChange.Activated)
            {
                enrolled = true;
            }
            else if (ev.Change == EnrollmentChange.ModeChanged && ev.Mode != mode)
            {
                modeChanges++;
            }

            mode = ev.Mode;
            int day = (int)(ev.Ticks / TimeSpan.TicksPerDay);
            int nextDay = e + 1 < sorted.Count ? (int)(sorted[e + 1].Ticks / TimeSpan.TicksPerDay) : endDay;
            if (nextDay == day)
            {
                continue;
            }

            visitor.Day(day, nextDay, enrolled, enrolledAtLastDayEnd, mode, modeChanges);
            modeChanges = 0;
            enrolledAtLastDayEnd = enrolled;
        }
    }
}
