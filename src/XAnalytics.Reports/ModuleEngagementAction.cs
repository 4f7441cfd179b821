namespace XAnalytics.Reports;

/// <summary>The interactions of edX's <c>module_engagement</c>, in the order of their names.</summary>
internal enum ModuleEngagementAction : byte
{
    /// <summary><c>attempted</c>: a server <c>problem_check</c>.</summary>
    Attempted,

    /// <summary><c>completed</c>: a server <c>problem_check</c> whose <c>success</c> is <c>correct</c>.</summary>
    Completed,

    /// <summary><c>contributed</c>: an <c>edx.forum.*.created</c> event.</summary>
    Contributed,

    /// <summary><c>viewed</c>: a <c>play_video</c>.</summary>
    Viewed,
}
