namespace XAnalytics.Generation;

internal sealed class VideoInfo
{
    public required byte[] UsageKey { get; init; }

    /// <summary>The id browser video events carry: <c>i4x-Org-Num-video-hex</c> or the bare block hex.</summary>
    public required byte[] BrowserId { get; init; }

    public required byte[] Code { get; init; }

    public required int DurationSeconds { get; init; }

    public required byte[] HandlerPath { get; init; }

    public required int Sequential { get; init; }
}
