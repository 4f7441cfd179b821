namespace XAnalytics.Reports.Learners;

/// <summary>
/// One learner in one course: the columns of the HarvardX-MITx person-course dataset that tracking logs can give,
/// with the time-on-task and session totals.
/// </summary>
public sealed record PersonCourseRow
{
    /// <summary>The course as edX writes it.</summary>
    public required string CourseId { get; init; }

    /// <summary>The learner key (username, or its pseudonym).</summary>
    public required string Learner { get; init; }

    /// <summary>Opened the courseware: an event whose URL (an implicit event's type, or a browser event's <c>page</c>) is under the course's <c>/courseware</c>.</summary>
    public bool Viewed { get; init; }

    /// <summary>Opened at least half of the course's chapters (<see cref="CourseChapters"/>): 2 x <see cref="Chapters"/> &gt;= <see cref="CourseChapters"/> &gt; 0.</summary>
    public bool Explored { get; init; }

    /// <summary>Events of the learner in the course.</summary>
    public long Events { get; init; }

    /// <summary>Distinct UTC days with an event.</summary>
    public int DaysActive { get; init; }

    /// <summary><c>play_video</c> events.</summary>
    public long PlayVideo { get; init; }

    /// <summary>Distinct chapters opened (the path segment after <c>/courseware/</c>).</summary>
    public int Chapters { get; init; }

    /// <summary>Distinct chapters any learner of the course opened in the run's events.</summary>
    public int CourseChapters { get; init; }

    /// <summary>Forum posts: server <c>edx.forum.thread.created</c>, <c>edx.forum.response.created</c>, <c>edx.forum.comment.created</c>.</summary>
    public long ForumPosts { get; init; }

    /// <summary><c>problem_check</c> events (browser and server alike, as edx2bigquery counts them).</summary>
    public long ProblemCheck { get; init; }

    /// <summary>The first event's time (UTC ticks).</summary>
    public long FirstEventTicks { get; init; }

    /// <summary>The last event's time (UTC ticks).</summary>
    public long LastEventTicks { get; init; }

    /// <summary>ISO country code of the learner's last IP address (across their events), <c>UNKNOWN</c>, or null without a GeoIP database.</summary>
    public string? Country { get; init; }

    /// <summary>Sessions in the course.</summary>
    public int Sessions { get; init; }

    /// <summary>The sessions' durations added up (ticks).</summary>
    public long SessionTicks { get; init; }

    /// <summary>Time on task under the short timeout, all days.</summary>
    public TimeOnTask ShortGaps { get; init; }

    /// <summary>Time on task under the long timeout, all days.</summary>
    public TimeOnTask LongGaps { get; init; }
}
