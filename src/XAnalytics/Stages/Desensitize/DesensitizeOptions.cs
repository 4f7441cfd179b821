namespace XAnalytics.Stages.Desensitize;

/// <summary>Options of <see cref="DesensitizeStage"/>. Validated once, by <see cref="DesensitizeStage.Create"/>.</summary>
public sealed record DesensitizeOptions
{
    /// <summary>Fields the default profile removes (top level, <c>context</c> and <c>event</c>).</summary>
    public static IReadOnlyList<string> DefaultFields { get; } =
    [
        "agent", "ip", "host", "user_id", "session",
        "context.agent", "context.ip", "context.host", "context.user_id", "context.session",
        "event.csrfmiddlewaretoken", "event.session",
    ];

    /// <summary>Fields the strict profile removes besides <see cref="DefaultFields"/>.</summary>
    public static IReadOnlyList<string> StrictFields { get; } =
    [
        "page", "referer", "accept_language", "context.path", "context.client_id", "context.ip",
        "event.GET", "event.POST", "event.url",
    ];

    /// <summary>The profile. Default <see cref="DesensitizeProfile.Default"/>.</summary>
    public DesensitizeProfile Profile { get; init; }

    /// <summary>How usernames become pseudonyms. Default <see cref="PseudonymScheme.Keyed"/>.</summary>
    public PseudonymScheme Pseudonyms { get; init; }

    /// <summary>The secret key of keyed pseudonyms. Required with <see cref="PseudonymScheme.Keyed"/>: there is no unkeyed hash.</summary>
    public PseudonymKey? Key { get; init; }

    /// <summary>More fields to remove (paths like <c>event.answer</c>, <c>context.module</c>). Default none.</summary>
    public IReadOnlyList<string> DropFields { get; init; } = [];

    /// <summary>Fields of the profile to keep after all (<c>page</c>). Username fields are always pseudonymized. Default none.</summary>
    public IReadOnlyList<string> KeepFields { get; init; } = [];

    /// <summary>
    /// Also drops what <see cref="RemoveRedundantStage"/> with these options drops (context members that repeat
    /// top-level ones, <c>course_user_tags</c>, and the context once that empties it), in this stage's own pass over
    /// the context, with the same output as that stage before this one. The <c>desensitize</c> command sets it
    /// instead of running that stage. Default null: not done.
    /// </summary>
    public RemoveRedundantOptions? RemoveRedundant { get; init; }

    internal DesensitizeOptions Validated()
    {
        ArgumentNullException.ThrowIfNull(DropFields);
        ArgumentNullException.ThrowIfNull(KeepFields);
        if (Pseudonyms == PseudonymScheme.Keyed && Key is null)
        {
            throw new ArgumentException(
                "Desensitize needs a pseudonym key (PseudonymKey.Load, PseudonymKey.FromEnvironment or FromBytes; on the command line "
                + $"--key-file or ${PseudonymKey.EnvironmentVariable}), or sequential pseudonyms: usernames are never hashed without a key.");
        }

        return this with { };
    }
}
