namespace XAnalytics.Reports;

/// <summary>
/// The events edX's problem tasks read (problem_response.py, answer_dist.py, tags_dist.py): a kept event of the problem
/// family whose course is in its context, of type <c>problem_check</c> from the server. The facts hold the family,
/// type and source, read once per event.
/// </summary>
internal static class ServerProblemCheck
{
    /// <summary>
    /// True when the event whose facts are <paramref name="fact"/> is a server problem_check in its course: type and
    /// source as written, compared byte for byte (the facts read them once for every section).
    /// </summary>
    public static bool Is(in EventFact fact)
        => fact.Kept && fact.Family == EventFamily.Problem && fact.CourseInContext && fact.Course >= 0
            && fact.Type == KnownEventType.ProblemCheck && !fact.TypeEscaped && fact.ServerSource && !fact.SourceEscaped;
}
