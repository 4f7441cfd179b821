namespace XAnalytics.Reports;

/// <summary>The weekly-activity labels an event earns (edX's <c>get_predicate_labels</c>).</summary>
[Flags]
internal enum ActivityLabels : byte
{
    None = 0,
    Active = 1,
    AttemptedProblem = 2,
    PlayedVideo = 4,
    PostedForum = 8,
}
