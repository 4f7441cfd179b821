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
}
