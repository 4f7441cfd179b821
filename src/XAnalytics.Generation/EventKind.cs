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
    LinkClicked,
}
