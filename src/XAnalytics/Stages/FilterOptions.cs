using XAnalytics.Events;

namespace XAnalytics.Stages;

/// <summary>
/// Which events a run keeps. Every condition given must hold (they are ANDed); an empty list or null bound
/// does not filter. Validated once, by <see cref="FilterStage.Create"/>.
/// </summary>
public sealed record FilterOptions
{
    /// <summary>Keep events whose <c>time</c> is at or after this instant. Default null.</summary>
    public DateTimeOffset? MinTime { get; init; }

    /// <summary>Keep events whose <c>time</c> is at or before this instant (inclusive; see <see cref="FilterDates.ParseMax"/>). Default null.</summary>
    public DateTimeOffset? MaxTime { get; init; }

    /// <summary>Keep events whose <c>event_type</c> is one of these (exact). Default: any.</summary>
    public IReadOnlyList<string> EventTypes { get; init; } = [];

    /// <summary>
    /// Keep events of these courses, in any id shape: matched on canonical ids (<see cref="CourseKey.Matches"/>)
    /// against the event's course as <see cref="CourseResolver"/> finds it. Default: any.
    /// </summary>
    public IReadOnlyList<string> Courses { get; init; } = [];

    /// <summary>Keep events of these users (<c>username</c>, else <c>context.username</c>; exact). Default: any.</summary>
    public IReadOnlyList<string> Users { get; init; } = [];

    /// <summary>Keep events whose field has one of the values (<see cref="FieldCondition"/>). Default: none.</summary>
    public IReadOnlyList<FieldCondition> Where { get; init; } = [];

    /// <summary>True when no condition is set.</summary>
    public bool IsEmpty => MinTime is null && MaxTime is null && EventTypes.Count == 0 && Courses.Count == 0 && Users.Count == 0 && Where.Count == 0;
}
