using XAnalytics.Stages.Desensitize;

namespace XAnalytics.Reports.Learners;

/// <summary>How <see cref="PersonCourseRelease"/> de-identifies a <c>person_course.csv</c>.</summary>
public sealed record ReleaseOptions
{
    /// <summary>Every combination of quasi-identifiers must hold at least this many learners (at least 2). Default 5.</summary>
    public int K { get; init; } = 5;

    /// <summary>
    /// The quasi-identifiers, released columns whose combination could single a learner out: <c>country</c> (released
    /// generalised to its region, as <c>region</c>), <c>first_event_month</c> and <c>last_event_month</c> (the first and
    /// last event's times generalised to <c>yyyy-MM</c>), or any other column of the input (<c>nforum_posts</c>,
    /// <c>explored</c>...), released as it is. <c>course_id</c> is always one. Default: country, first_event_month,
    /// last_event_month.
    /// </summary>
    public IReadOnlyList<string> QuasiIdentifiers { get; init; } = ["country", "first_event_month", "last_event_month"];

    /// <summary>The key of the learners' pseudonyms (the same as <c>desensitize</c>'s). Required.</summary>
    public PseudonymKey? Key { get; init; }

    /// <summary>Public reference data (<c>public-data-dir</c>): the Factbook maps countries to regions. Default null: no regions, country released as <c>*</c>.</summary>
    public string? PublicDataDir { get; init; }
}
