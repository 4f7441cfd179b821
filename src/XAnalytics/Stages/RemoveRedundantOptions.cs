namespace XAnalytics.Stages;

/// <summary>Options of <see cref="RemoveRedundantStage"/>.</summary>
public sealed record RemoveRedundantOptions
{
    /// <summary>Also drop <c>context.course_user_tags</c> (A/B-test partitions analytics rarely needs). Default true.</summary>
    public bool DropCourseUserTags { get; init; } = true;
}
