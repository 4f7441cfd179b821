using XAnalytics.Settings;

namespace XAnalytics.Reports.Learners;

/// <summary>What the learner tables (<see cref="LearnerTables"/>) cover and how sessions and time on task are cut.</summary>
public sealed record LearnerTablesOptions
{
    /// <summary>First UTC day of events to include; default: no lower bound.</summary>
    public DateOnly? From { get; init; }

    /// <summary>Last UTC day of events to include (inclusive); default: no upper bound.</summary>
    public DateOnly? To { get; init; }

    /// <summary>Only events of these courses (any id shape; compared canonically); default empty: every course.</summary>
    public IReadOnlyList<string> Courses { get; init; } = [];

    /// <summary>
    /// Inactivity that ends a session: the next event starts a new session when it comes this long or longer after
    /// the previous one (of the same learner and course). Default 30 minutes.
    /// </summary>
    public TimeSpan SessionGap { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// edx2bigquery's short time-on-task timeout: a gap between consecutive events counts when strictly shorter.
    /// Default 5 minutes (edx2bigquery's <c>timeout_short</c>).
    /// </summary>
    public TimeSpan ShortTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>edx2bigquery's long time-on-task timeout (the second set of columns). Default 30 minutes (<c>timeout_long</c>).</summary>
    public TimeSpan LongTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Directory of public reference data (the <c>public-data-dir</c> setting), searched for a GeoIP database when
    /// <see cref="GeoIpDatabase"/> is not given. Default null.
    /// </summary>
    public string? PublicDataDir { get; init; }

    /// <summary>
    /// A GeoIP2/GeoLite2 Country <c>.mmdb</c>, or a directory holding one. Default null: the first
    /// <c>*Country*.mmdb</c> in <see cref="PublicDataDir"/> or its subfolders; without one the country column is empty.
    /// </summary>
    public string? GeoIpDatabase { get; init; }

    /// <summary>The options the settings give: <see cref="PublicDataDir"/> from <c>public-data-dir</c>.</summary>
    public static LearnerTablesOptions FromSettings(XAnalyticsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new LearnerTablesOptions { PublicDataDir = settings.PublicDataDir };
    }
}
