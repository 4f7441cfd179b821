namespace XAnalytics.Stages;

/// <summary>Options of <see cref="TruncateStage"/>.</summary>
public sealed record TruncateOptions
{
    /// <summary>Strings longer than this many characters (Unicode code points) become null. Default 1024; at least 0.</summary>
    public int MaxLength { get; init; } = 1024;

    internal TruncateOptions Validated()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxLength, nameof(MaxLength));
        return this with { };
    }
}
