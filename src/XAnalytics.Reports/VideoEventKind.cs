namespace XAnalytics.Reports;

/// <summary>The four video events edX's viewings are built from, in the order of their names (edX sorts ties by name).</summary>
internal enum VideoEventKind : byte
{
    /// <summary><c>pause_video</c>.</summary>
    Pause,

    /// <summary><c>play_video</c>.</summary>
    Play,

    /// <summary><c>seek_video</c>.</summary>
    Seek,

    /// <summary><c>stop_video</c>.</summary>
    Stop,
}
