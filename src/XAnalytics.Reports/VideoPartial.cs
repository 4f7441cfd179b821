namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="VideoSection"/>: one per worker thread.</summary>
public sealed class VideoPartial
{
    internal VideoPartial()
    {
    }

    /// <summary>The kept video events, compact (see <see cref="VideoEventRecord"/>), in arrival order.</summary>
    internal List<VideoEventRecord> Events { get; } = [];

    /// <summary>The videos' encoded module ids by hash.</summary>
    internal Dictionary<ulong, string> Modules { get; } = [];

    /// <summary>A buffer for unescaping ids.</summary>
    internal byte[] Scratch { get; set; } = new byte[256];
}
