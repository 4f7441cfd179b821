namespace XAnalytics.Reports;

/// <summary>
/// A coarse kind of event, from its <c>event_type</c> (first rule that matches wins):
/// <list type="number">
/// <item><see cref="Enrollment"/>: <c>edx.course.enrollment.*</c>.</item>
/// <item><see cref="Page"/>: implicit server events, whose type is the URL asked for (<c>/courses/...</c>), and <c>page_close</c>.</item>
/// <item><see cref="Forum"/>: <c>edx.forum.*</c> and <c>edx.discussion.*</c>.</item>
/// <item><see cref="Video"/>: <c>play_video</c>, <c>seek_video</c>, <c>load_video</c>... (types ending in <c>_video</c>),
/// the mobile <c>edx.video.*</c>, and transcript events (<c>show_transcript</c>, <c>edx.video.transcript.*</c>).</item>
/// <item><see cref="Problem"/>: any type containing <c>problem</c> (<c>problem_check</c>, <c>problem_graded</c>,
/// <c>edx.grades.problem.submitted</c>...) and <c>showanswer</c>.</item>
/// <item><see cref="Navigation"/>: <c>seq_goto</c>, <c>seq_next</c>, <c>seq_prev</c> (types starting <c>seq_</c>),
/// <c>edx.ui.lms.*</c> (outline and sequence navigation) and <c>edx.course.home.*</c>.</item>
/// <item><see cref="Other"/>: everything else, and events with no type.</item>
/// </list>
/// </summary>
public enum EventFamily : byte
{
    /// <summary>Video player and transcript events.</summary>
    Video,

    /// <summary>Problem (capa) events.</summary>
    Problem,

    /// <summary>Moving through a course's sequences and outline.</summary>
    Navigation,

    /// <summary>Discussion forum events.</summary>
    Forum,

    /// <summary>Enrollment activations, deactivations and mode changes.</summary>
    Enrollment,

    /// <summary>Implicit page requests (the event type is a URL) and <c>page_close</c>.</summary>
    Page,

    /// <summary>Anything else.</summary>
    Other,
}
