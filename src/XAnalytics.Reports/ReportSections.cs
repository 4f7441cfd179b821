namespace XAnalytics.Reports;

/// <summary>
/// The names of <c>report</c>'s tables, as <see cref="ReportOptions.Only"/> selects them: the built-in ones, then the
/// sections (<see cref="IReportSection"/>) that edX's analyses add.
/// </summary>
public static class ReportSections
{
    /// <summary><c>events_daily.csv</c>.</summary>
    public const string EventsDaily = "events_daily";

    /// <summary><c>weekly_activity.csv</c> and <c>daily_active.csv</c>.</summary>
    public const string WeeklyActivity = "weekly_activity";

    /// <summary><c>enrollment_daily.csv</c>.</summary>
    public const string EnrollmentDaily = "enrollment_daily";

    /// <summary><c>countries.csv</c> and <c>gdp_share.csv</c> (with a GeoIP database).</summary>
    public const string Countries = "countries";

    /// <summary>Every name <see cref="ReportOptions.Only"/> accepts, in the order the report writes them.</summary>
    public static IReadOnlyList<string> Names => s_catalogue.Value.Names;

    /// <summary>Every file a section can write (whether a run selects it or not: an earlier report may hold it).</summary>
    internal static IReadOnlySet<string> Files => s_catalogue.Value.Files;

    // Names and files, from one set of sections made for the purpose.
    private static readonly Lazy<(string[] Names, HashSet<string> Files)> s_catalogue = new(BuildCatalogue);

    /// <summary>The sections of edX's analyses, in output order; each one is created whether or not it is selected.</summary>
    /// <param name="facts">The run's shared facts.</param>
    /// <param name="options">The report's options.</param>
    /// <param name="weekly">The run's weekly activity, which the course pages read (see <see cref="CoursePagesSection"/>).</param>
    internal static List<IReportSection> CreateAll(EventFacts facts, ReportOptions options, WeeklyActivityReport weekly)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(weekly);

        // edX's analyses register here, one line each (the course pages read the video and engagement sections' rows).
        var video = new VideoSection(facts, options);
        var engagement = new ModuleEngagementSection(facts, options);
        return
        [
            video,
            engagement,
            new ActiveUsersWeeklySection(facts, options),
            new CoursewareLinkClickedSection(facts),
            new EnrollmentSection(facts, options),
            new ForumActivitySection(facts, options),
            new TagsDistributionSection(facts),
            new ProblemResponseSection(facts, options),
            new AnswerDistributionSection(facts, options),
            new CoursePagesSection(facts, options, video, engagement, weekly),
        ];
    }

    private static (string[] Names, HashSet<string> Files) BuildCatalogue()
    {
        using var facts = new EventFacts(new ReportFilter(null, null, []), readIp: false);
        var names = new List<string> { EventsDaily, WeeklyActivity, EnrollmentDaily, Countries };
        var files = new HashSet<string>(StringComparer.Ordinal);
        var options = new ReportOptions();
        foreach (IReportSection section in CreateAll(facts, options, new WeeklyActivityReport(facts, options)))
        {
            names.Add(section.Name);
            files.UnionWith(section.Files);
        }

        return ([.. names], files);
    }
}
