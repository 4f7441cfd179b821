namespace XAnalytics.Generation;

internal sealed class SequentialInfo
{
    public required byte[] Id { get; init; }

    public required byte[] CoursewarePath { get; init; }

    public required byte[] PageUrl { get; init; }

    public required int VideoStart { get; init; }

    public required int VideoCount { get; init; }

    public required int ProblemStart { get; init; }

    public required int ProblemCount { get; init; }

    /// <summary>Units (verticals) in the sequence, the range of <c>seq_goto</c> positions.</summary>
    public required int Units { get; init; }
}
