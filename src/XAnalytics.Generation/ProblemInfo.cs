namespace XAnalytics.Generation;

internal sealed class ProblemInfo
{
    public required byte[] UsageKey { get; init; }

    public required byte[] DisplayName { get; init; }

    /// <summary>Index into <see cref="Vocabulary.ResponseTypes"/> and <see cref="Vocabulary.InputTypes"/>.</summary>
    public required int Kind { get; init; }

    public required byte[][] InputIds { get; init; }

    public required byte[] HandlerPath { get; init; }

    public required int MaxGrade { get; init; }

    public required int Sequential { get; init; }

    /// <summary>
    /// The tags edX's tagging aside saved for the problem (<c>context.asides.tagging_aside.saved_tags</c> of its server
    /// <c>problem_check</c>), as <see cref="Vocabulary.TagDifficulties"/> index + 3 x <see cref="Vocabulary.TagOutcomes"/>
    /// index; -1 when the course team tagged nothing.
    /// </summary>
    public required int Tags { get; init; }
}
