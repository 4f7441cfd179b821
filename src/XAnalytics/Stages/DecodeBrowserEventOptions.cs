namespace XAnalytics.Stages;

/// <summary>Options of <see cref="DecodeBrowserEventStage"/>.</summary>
public sealed record DecodeBrowserEventOptions
{
    /// <summary>
    /// Levels of encoding undone at most: a string whose text is again a JSON string is decoded again, up to
    /// this many times. Default 4 (edX encodes once; twice has been seen in re-exported logs).
    /// </summary>
    public int MaxLevels { get; init; } = 4;

    internal DecodeBrowserEventOptions Validated()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLevels, 1, nameof(MaxLevels));
        return this with { };
    }
}
