namespace XAnalytics.Reports;

/// <summary>
/// The event types edX's analyses select on, read once per event by <see cref="EventFacts"/> (compared unescaped, within
/// the type's <see cref="EventFamily"/>), so the sections do not look <c>event_type</c> up again.
/// </summary>
internal enum KnownEventType : byte
{
    /// <summary>Any other type (or no type).</summary>
    Other,

    /// <summary><c>play_video</c>.</summary>
    PlayVideo,

    /// <summary><c>pause_video</c>.</summary>
    PauseVideo,

    /// <summary><c>seek_video</c>.</summary>
    SeekVideo,

    /// <summary><c>stop_video</c>.</summary>
    StopVideo,

    /// <summary><c>problem_check</c>.</summary>
    ProblemCheck,

    /// <summary><c>edx.ui.lms.link_clicked</c>.</summary>
    LinkClicked,
}
