using XAnalytics.Settings;

namespace XAnalytics.Reports;

/// <summary>What the learner reports cover and which reference data they use.</summary>
public sealed record ReportOptions
{
    /// <summary>The first day the report's tables hold (1970-01-01): an event's time before it is read as no time.</summary>
    public static DateOnly FirstDay => EventFacts.FirstDay;

    /// <summary>
    /// The last day the report's tables hold (2099-12-31): an event's time after it is read as no time, and a
    /// <see cref="From"/> or <see cref="To"/> after it is an error (<see cref="LearnerReports.Create"/>).
    /// </summary>
    public static DateOnly LastDay => EventFacts.EndDay.AddDays(-1);

    /// <summary>First UTC day of events to include; default: no lower bound.</summary>
    public DateOnly? From { get; init; }

    /// <summary>Last UTC day of events to include (inclusive); default: no upper bound.</summary>
    public DateOnly? To { get; init; }

    /// <summary>Only events of these courses (any id shape; compared canonically); default empty: all events.</summary>
    public IReadOnlyList<string> Courses { get; init; } = [];

    /// <summary>
    /// Directory of public reference data (the <c>public-data-dir</c> setting): the CIA Factbook files, and the
    /// GeoIP database when <see cref="GeoIpDatabase"/> is not given. Default null: no Factbook columns, and no
    /// <c>countries.csv</c> unless <see cref="GeoIpDatabase"/> is set.
    /// </summary>
    public string? PublicDataDir { get; init; }

    /// <summary>
    /// A GeoIP2/GeoLite2 Country <c>.mmdb</c>, or a directory holding one. Default null: the first
    /// <c>*Country*.mmdb</c> (ordinal name order) in <see cref="PublicDataDir"/>, else in its immediate
    /// subdirectories (MaxMind's downloads unpack into a dated folder).
    /// </summary>
    public string? GeoIpDatabase { get; init; }

    /// <summary>
    /// Only these tables (names from <see cref="ReportSections.Names"/>: <c>events_daily</c>, <c>video</c>, ...);
    /// default empty: all of them. An unknown name is an error.
    /// </summary>
    public IReadOnlyList<string> Only { get; init; } = [];

    /// <summary>The options the settings give: <see cref="PublicDataDir"/> from <c>public-data-dir</c>, <see cref="ScratchDirectory"/> from <c>scratch-dir</c>.</summary>
    public static ReportOptions FromSettings(XAnalyticsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new ReportOptions { PublicDataDir = settings.PublicDataDir, ScratchDirectory = settings.ScratchDir };
    }

    /// <summary>
    /// Where sections that outgrow their memory budget write scratch files (video's learner buckets: a private folder
    /// is made inside and removed at the end, also after a failure or cancel). Default null: the system's temporary
    /// folder. Give the <c>scratch-dir</c> setting here (<see cref="FromSettings"/> does).
    /// </summary>
    public string? ScratchDirectory { get; init; }

    /// <summary>For tests: the video records a worker holds per learner bucket before spilling (see <see cref="VideoSection"/>); null: the default.</summary>
    internal int? VideoBlockRecords { get; init; }

    /// <summary>GDP per capita (PPP, US$) under which a country counts as lower-income in the share; default 10 000.</summary>
    public double GdpThreshold { get; init; } = 10_000;

    /// <summary>For tests: the keys a module-engagement worker's table holds, and the records it holds per learner bucket, before spilling (see <see cref="ModuleEngagementSection"/>); null: the defaults.</summary>
    internal int? ModuleEngagementHeld { get; init; }

    /// <summary>For tests: the learner problems a problem table's worker holds (and 64x that in bytes of texts and per held block) before spilling (see <see cref="ProblemResponsePartial"/>); null: the defaults.</summary>
    internal int? ProblemTablesHeld { get; init; }

    /// <summary>For tests: the keys a weekly-activity worker's table holds, and the keys it holds per learner bucket, before spilling (see <see cref="WeeklyActivityReport"/>); null: the defaults.</summary>
    internal int? WeeklyActivityHeld { get; init; }

    /// <summary>For tests: the keys a forum-activity worker's table holds, and the records it holds per learner bucket, before spilling (see <see cref="ForumActivitySection"/>); null: the defaults.</summary>
    internal int? ForumActivityHeld { get; init; }

    /// <summary>
    /// The bytes of compact rows above which module engagement, forum activity and active users weekly keep their rows
    /// in a scratch file until they are written (<see cref="SortedRuns{TItem}"/>): 4 MiB, about 2M events' worth of
    /// module engagement over generated logs.
    /// </summary>
    internal const long DefaultRowSpillBytes = 4L << 20;

    /// <summary>For tests: <see cref="DefaultRowSpillBytes"/> otherwise; null: the default.</summary>
    internal long? RowSpillBytes { get; init; }

    /// <summary>For tests: the most of a learner bucket video, problem_response and answer_distribution read at once at the end of the run (see <see cref="LearnerBuckets.PartBytes"/>); null: the default.</summary>
    internal long? CompletionPartBytes { get; init; }

    /// <summary>For tests: the pairs an active-users-weekly worker's table holds, and per learner bucket, before spilling (see <see cref="ActiveUsersWeeklySection"/>); null: the defaults.</summary>
    internal int? ActiveUsersWeeklyHeld { get; init; }
}
