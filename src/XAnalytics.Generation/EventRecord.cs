namespace XAnalytics.Generation;

/// <summary>The kinds of line the generator writes; each maps to one writer method.</summary>
internal enum EventKind : byte
{
    ServerCourseware,
    ServerVideoHandler,
    ServerCoursePage,
    ServerNoCourse,
    ServerAnonymous,
    ServerMobileApi,
    LoadVideo,
    PlayVideo,
    PauseVideo,
    SeekVideo,
    StopVideo,
    SpeedChangeVideo,
    SeqGoto,
    SeqNext,
    SeqPrev,
    PageClose,
    ProblemCheckBrowser,
    ProblemCheckServer,
    EnrollmentActivated,
    EnrollmentDeactivated,
    EnrollmentModeChanged,
    ForumThreadCreated,
    ForumResponseCreated,
    ForumCommentCreated,
    MobileVideo,
    Task,
}

/// <summary>How a line is spoiled, if it is.</summary>
internal enum BadKind : byte
{
    None,
    TruncateRandom,
    Truncate2043,
    Truncate10000,
    Truncate32000,
    NotJson,
    Blank,
}

/// <summary>
/// One scheduled line: when, who (through the session), what, plus a seed for the details the
/// writer draws. Details come from <see cref="Seed"/> rather than the scheduling stream so that
/// sorting by time cannot change what an event contains.
/// </summary>
internal struct EventRecord
{
    /// <summary>Microseconds since the Unix epoch.</summary>
    public long Time;

    /// <summary>Scheduling order; breaks time ties so the sort is deterministic.</summary>
    public int Order;

    public int Session;

    public int Item;

    public int Aux;

    public float Value;

    public float Value2;

    public short Course;

    public EventKind Kind;

    public BadKind Bad;

    public ulong Seed;
}

/// <summary>A browsing (or app) session: the learner, its 32-hex id, where it came from.</summary>
internal struct SessionState
{
    public ulong IdHigh;

    public ulong IdLow;

    public ulong IpBits;

    /// <summary>Learner index, or -1 for a visitor who is not logged in.</summary>
    public int Learner;

    public int Agent;

    public bool Mobile;
}
