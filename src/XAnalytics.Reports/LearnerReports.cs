using System.Globalization;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Reports.Reference;
using XAnalytics.Sinks;

namespace XAnalytics.Reports;

/// <summary>
/// The learner-analytics reports, computed in one pass: <see cref="EventsDaily"/>, <see cref="WeeklyActivity"/>,
/// <see cref="EnrollmentDaily"/> and, with a GeoIP database, <see cref="Countries"/>. Each is a mergeable
/// <see cref="IEventAggregate{TPartial}"/>; <see cref="Aggregate"/> combines them, and they share each event's
/// facts (time, course, user, type), read once per event.
/// </summary>
/// <example>
/// <code>
/// using var reports = LearnerReports.Create(new ReportOptions { PublicDataDir = dir });
/// await EventPipeline.Start(options, [], reports.CreateSink(), ct).Completion;
/// ReportFiles files = await ReportWriter.WriteAsync(reports, outDir, ct);
/// </code>
/// </example>
public sealed class LearnerReports : IDisposable
{
    private readonly GeoIpCountryResolver? _geoIp;
    private readonly Task<FactbookColumns>? _factbook;
    private readonly EventFacts _facts;
    private readonly List<string> _notes;

    private LearnerReports(ReportOptions options, ReportFilter filter, GeoIpCountryResolver? geoIp, Task<FactbookColumns>? factbook, List<string> notes)
    {
        Options = options;
        _geoIp = geoIp;
        _factbook = factbook;
        _notes = notes;
        var facts = new EventFacts(filter, readIp: geoIp is not null);
        _facts = facts;
        EventsDaily = new EventsDailyReport(facts);
        WeeklyActivity = new WeeklyActivityReport(facts);
        EnrollmentDaily = new EnrollmentDailyReport(facts);
        var parts = new List<IAggregatePart>
        {
            AggregatePart.Of(EventsDaily), AggregatePart.Of(WeeklyActivity), AggregatePart.Of(EnrollmentDaily),
        };
        if (geoIp is not null)
        {
            Countries = new CountriesReport(facts, geoIp, factbook, options.GdpThreshold);
            parts.Add(AggregatePart.Of(Countries));
        }

        Aggregate = new CombinedAggregate(parts);
    }

    /// <summary>The options, as given.</summary>
    public ReportOptions Options { get; }

    /// <summary>Events per day, course and family.</summary>
    public EventsDailyReport EventsDaily { get; }

    /// <summary>Distinct users per course, week and activity label (edX's rules), and active users per day.</summary>
    public WeeklyActivityReport WeeklyActivity { get; }

    /// <summary>Enrollment changes per course and day.</summary>
    public EnrollmentDailyReport EnrollmentDaily { get; }

    /// <summary>Learners per country per course; null when no GeoIP database was found (see <see cref="Notes"/>).</summary>
    public CountriesReport? Countries { get; }

    /// <summary>All the reports as one aggregate, for <see cref="AggregateSink{TPartial}"/>.</summary>
    public CombinedAggregate Aggregate { get; }

    /// <summary>The GeoIP database in use, or null.</summary>
    public string? GeoIpDatabasePath => _geoIp?.DatabasePath;

    /// <summary>
    /// What was left out and why (no GeoIP database, no Factbook; after the run, no learners), in words for a user.
    /// </summary>
    public IReadOnlyList<string> Notes => _facts.KeptEvents > 0 && _facts.LearnerEvents == 0
        ? [.. _notes, string.Create(CultureInfo.InvariantCulture, $"No learners: none of the {_facts.KeptEvents:N0} events reported on names a user (context.user_id or username), so the learner tables (weekly activity, daily active, countries) are empty.")]
        : _notes;

    /// <summary>
    /// Checks the options and opens the GeoIP database before the run, so a bad path fails at once; the Factbook
    /// (needed only at the end) starts loading in the background. Missing reference data is not an error: the
    /// part that needs it is left out, with a note.
    /// </summary>
    /// <exception cref="ArgumentException">A course id cannot be parsed, or <see cref="ReportOptions.From"/> is after <see cref="ReportOptions.To"/>.</exception>
    /// <exception cref="FileNotFoundException"><see cref="ReportOptions.GeoIpDatabase"/> names a file or directory with no database.</exception>
    public static LearnerReports Create(ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.From > options.To)
        {
            throw new ArgumentException($"--from {options.From:yyyy-MM-dd} is after --to {options.To:yyyy-MM-dd}.", nameof(options));
        }

        if (!(options.GdpThreshold > 0))
        {
            throw new ArgumentException("The GDP threshold must be a positive number.", nameof(options));
        }

        var courses = new List<CourseKey>();
        foreach (string id in options.Courses)
        {
            if (!CourseKey.TryParse(id.AsSpan(), out CourseKey key))
            {
                throw new ArgumentException($"Not a course id: '{id}'.", nameof(options));
            }

            courses.Add(key);
        }

        var notes = new List<string>();
        GeoIpCountryResolver? geoIp = null;
        Task<FactbookColumns>? factbook = null;
        try
        {
            string? database = options.GeoIpDatabase ?? FindGeoIp(options.PublicDataDir);
            if (database is null)
            {
                notes.Add(options.PublicDataDir is null
                    ? "countries.csv skipped: no GeoIP database (set public-data-dir to a folder holding a GeoLite2-Country .mmdb)."
                    : $"countries.csv skipped: no '{GeoIpCountryResolver.DatabasePattern}' in {options.PublicDataDir} or its subfolders.");
            }
            else
            {
                geoIp = GeoIpCountryResolver.Open(database);
                if (options.PublicDataDir is not null && File.Exists(Path.Combine(options.PublicDataDir, CiaFactbook.FactbookFileName))
                    && File.Exists(Path.Combine(options.PublicDataDir, CiaFactbook.LanguagesFileName)))
                {
                    factbook = FactbookColumns.LoadAsync(options.PublicDataDir);
                }
                else
                {
                    notes.Add("countries.csv has no Factbook columns: cia-data-all.csv and languages.csv not found in public-data-dir.");
                }
            }

            return new LearnerReports(options, new ReportFilter(options.From, options.To, courses), geoIp, factbook, notes);
        }
        catch
        {
            geoIp?.Dispose();
            throw;
        }
    }

    /// <summary>A sink that folds the run's events into every report on all threads.</summary>
    public AggregateSink<CombinedPartial> CreateSink() => new(Aggregate);

    /// <summary>Closes the GeoIP database and the Factbook.</summary>
    public void Dispose()
    {
        _geoIp?.Dispose();
        _facts.Dispose();
        if (_factbook is not null)
        {
            // Wait for a load still under way (a run that failed early), then close what it opened; a failed load
            // was reported by the run that needed it.
            try
            {
                _factbook.Wait();
            }
            catch (AggregateException)
            {
            }

            if (_factbook.IsCompletedSuccessfully)
            {
                _factbook.Result.Dispose();
            }
        }
    }

    internal static string? FindGeoIp(string? publicDataDir)
    {
        if (publicDataDir is null || !Directory.Exists(publicDataDir))
        {
            return null;
        }

        if (GeoIpCountryResolver.FindDatabase(publicDataDir) is { } direct)
        {
            return direct;
        }

        string[] subdirectories = Directory.GetDirectories(publicDataDir);
        Array.Sort(subdirectories, StringComparer.Ordinal);
        foreach (string sub in subdirectories)
        {
            if (GeoIpCountryResolver.FindDatabase(sub) is { } nested)
            {
                return nested;
            }
        }

        return null;
    }
}
