using System.Text.Json;
using XAnalytics.Events;

namespace XAnalytics.Reports;

/// <summary>
/// The events edX's problem tasks read (problem_response.py, answer_dist.py, tags_dist.py): a kept event of the problem
/// family whose course is in its context, of type <c>problem_check</c> from the server. The family is known from the
/// facts, so the type and source are read again only for problem events.
/// </summary>
internal static class ServerProblemCheck
{
    private static readonly FieldPath s_eventType = FieldPath.Parse("event_type");
    private static readonly FieldPath s_eventSource = FieldPath.Parse("event_source");

    /// <summary>True when event <paramref name="i"/> of <paramref name="batch"/>, whose facts are <paramref name="fact"/>, is a server problem_check in its course.</summary>
    public static bool Is(EventBatch batch, int i, in EventFact fact)
        => fact.Kept && fact.Family == EventFamily.Problem && fact.CourseInContext && fact.Course >= 0
            && batch.TryGetField(i, s_eventType, out FieldValue t) && t.Kind == JsonTokenType.String && t.Utf8.SequenceEqual("problem_check"u8)
            && batch.TryGetField(i, s_eventSource, out FieldValue s) && s.Kind == JsonTokenType.String && s.Utf8.SequenceEqual("server"u8);
}
