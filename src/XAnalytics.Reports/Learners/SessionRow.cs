namespace XAnalytics.Reports.Learners;

/// <summary>One session of a learner in a course: events with no gap of <see cref="LearnerTablesOptions.SessionGap"/> or more between them.</summary>
/// <param name="CourseId">The course as edX writes it.</param>
/// <param name="Learner">The learner key (the username, or its pseudonym in a desensitized archive).</param>
/// <param name="StartTicks">The first event's time (UTC ticks).</param>
/// <param name="EndTicks">The last event's time (UTC ticks).</param>
/// <param name="Events">Events in the session.</param>
public sealed record SessionRow(string CourseId, string Learner, long StartTicks, long EndTicks, int Events)
{
    /// <summary>From the first event to the last, in seconds (0 for a session of one event).</summary>
    public double DurationSeconds => (EndTicks - StartTicks) / (double)TimeSpan.TicksPerSecond;
}
