namespace XAnalytics.Reports;

/// <summary>Receives the days of one learner's enrollment history in a course, as <see cref="EnrollmentDays.Walk"/> finds them.</summary>
internal interface IEnrollmentDayVisitor
{
    /// <summary>
    /// The end of <paramref name="day"/>, the day of one or more events: the learner is <paramref name="enrolled"/>
    /// (and was <paramref name="enrolledBefore"/> at the end of their previous day with events), their mode is that of
    /// the day's last event, <paramref name="modeChanges"/> mode changes happened that day, and their next event (or
    /// the end of the interval) is on <paramref name="nextDay"/>.
    /// </summary>
    void Day(int day, int nextDay, bool enrolled, bool enrolledBefore, ulong mode, long modeChanges);
}
