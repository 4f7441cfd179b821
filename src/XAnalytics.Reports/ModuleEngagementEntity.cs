namespace XAnalytics.Reports;

/// <summary>The kinds of entity of edX's <c>module_engagement</c> (<c>get_user_actions_from_event</c>), in the order of their names.</summary>
internal enum ModuleEngagementEntity : byte
{
    /// <summary><c>discussion</c>.</summary>
    Discussion,

    /// <summary><c>problem</c>.</summary>
    Problem,

    /// <summary><c>video</c>.</summary>
    Video,
}
