namespace XAnalytics.Aggregates;

/// <summary>Options of <see cref="SchemaAggregate"/>.</summary>
public sealed record SchemaOptions
{
    /// <summary>
    /// Keys whose whole value is reported as one path (noisy subtrees keyed by problem or input ids) unless
    /// <see cref="All"/>. Default <c>correct_map</c>, <c>submission</c>, <c>answers</c>, <c>POST</c>, <c>GET</c>, <c>state</c>.
    /// </summary>
    public IReadOnlyList<string> Summarized { get; init; } = ["correct_map", "submission", "answers", "POST", "GET", "state"];

    /// <summary>Descend into the <see cref="Summarized"/> subtrees too. Default false.</summary>
    public bool All { get; init; }

    /// <summary>Characters of an example value shown at most. Default 40.</summary>
    public int ExampleLength { get; init; } = 40;

    /// <summary>
    /// Keys whose values identify a learner: their examples are a placeholder (<c>&lt;username&gt;</c>). Default
    /// username, user, ip, agent, session, host, user_id, client_id, csrfmiddlewaretoken, email, referer, accept_language.
    /// </summary>
    public IReadOnlyList<string> Identifiers { get; init; } =
        ["username", "user", "ip", "agent", "session", "host", "user_id", "client_id", "csrfmiddlewaretoken", "email", "referer", "accept_language"];

    /// <summary>Distinct paths kept per worker at most; more are counted in <see cref="SchemaResult.PathsLeftOut"/>. Default 100,000.</summary>
    public int MaxPaths { get; init; } = 100_000;
}
