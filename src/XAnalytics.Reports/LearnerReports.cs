using System.Globalization;
using System.Runtime;
using System.Runtime.CompilerServices;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Reports.Reference;
using XAnalytics.Settings;
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
    private readonly WeeklyActivityReport _weekly;

    private LearnerReports(ReportOptions options, ReportFilter filter, GeoIpCountryResolver? geoIp, Task<FactbookColumns>? factbook, List<string> notes)
    {
        Options = options;
        _geoIp = geoIp;
        _factbook = factbook;
        _notes = notes;
        var facts = new EventFacts(filter, readIp: geoIp is not null);
        _facts = facts;
        var parts = new List<IAggregatePart>();
        if (Includes(ReportSections.EventsDaily))
        {
            EventsDaily = new EventsDailyReport(facts);
            parts.Add(AggregatePart.Of(EventsDaily));
        }

        // The course pages take weekly activity's counts: it runs for them too, its files written only when selected.
        _weekly = new WeeklyActivityReport(facts, options);
        if (Includes(ReportSections.WeeklyActivity) || Includes(CoursePagesSection.SectionName))
        {
            parts.Add(AggregatePart.Of(_weekly));
            WeeklyActivity = Includes(ReportSections.WeeklyActivity) ? _weekly : null;
        }

        if (Includes(ReportSections.EnrollmentDaily))
        {
            EnrollmentDaily = new EnrollmentDailyReport(facts);
            parts.Add(AggregatePart.Of(EnrollmentDaily));
        }

        if (geoIp is not null)
        {
            Countries = new CountriesReport(facts, geoIp, factbook, options.GdpThreshold);
            parts.Add(AggregatePart.Of(Countries));
        }

        var sections = new List<IReportSection>();
        var lastCollection = new StrongBox<long>();
        foreach (IReportSection section in ReportSections.CreateAll(facts, options, _weekly))
        {
            if (Includes(section.Name))
            {
                sections.Add(section);
                parts.Add(new SequentialCompletion(section.Part, lastCollection));
            }
        }

        Sections = sections;
        parts.Add(AggregatePart.Of(new CompletionMarker(this, lastCollection)));
        Aggregate = new CombinedAggregate(parts);
    }

    /// <summary>The options, as given.</summary>
    public ReportOptions Options { get; }

    /// <summary>Events per day, course and family; null when <see cref="ReportOptions.Only"/> leaves it out.</summary>
    public EventsDailyReport? EventsDaily { get; }

    /// <summary>
    /// Distinct users per course, week and activity label (edX's rules), and active users per day; null when
    /// <see cref="ReportOptions.Only"/> leaves it out.
    /// </summary>
    public WeeklyActivityReport? WeeklyActivity { get; }

    /// <summary>The run's weekly activity whether its files are written or not (the course pages read it).</summary>
    internal WeeklyActivityReport Weekly => _weekly;

    /// <summary>Enrollment changes per course and day; null when <see cref="ReportOptions.Only"/> leaves it out.</summary>
    public EnrollmentDailyReport? EnrollmentDaily { get; }

    /// <summary>
    /// Learners per country per course; null when no GeoIP database was found (see <see cref="Notes"/>) or
    /// <see cref="ReportOptions.Only"/> leaves it out.
    /// </summary>
    public CountriesReport? Countries { get; }

    /// <summary>The selected sections of edX's analyses, in output order.</summary>
    internal IReadOnlyList<IReportSection> Sections { get; }

    /// <summary>
    /// The selected section of edX's analyses of type <typeparamref name="TSection"/> (<see cref="VideoSection"/>...),
    /// whose rows a library user reads once the run has ended; null when <see cref="ReportOptions.Only"/> leaves it out.
    /// </summary>
    public TSection? Section<TSection>()
        where TSection : class
    {
        foreach (IReportSection section in Sections)
        {
            if (section is TSection found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>True once the run has ended and every selected table has its rows.</summary>
    public bool IsComplete { get; private set; }

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

        // The tables hold days from 1970 through 2099 (EventFacts reads other times as no time): a bound past them has no
        // day to end a week, an enrollment series or a chart on.
        DateOnly last = ReportOptions.LastDay;
        if (options.To > last || options.From > last)
        {
            throw new ArgumentException(
                $"--{(options.To > last ? "to" : "from")} {(options.To > last ? options.To : options.From):yyyy-MM-dd}: the report's tables hold days from {ReportOptions.FirstDay:yyyy-MM-dd} to {last:yyyy-MM-dd} (times outside them are read as no time); give a day up to {last:yyyy-MM-dd}{(options.To > last ? ", or no --to (the tables then end on the last day of the events)" : string.Empty)}.",
                nameof(options));
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

        foreach (string name in options.Only)
        {
            if (!ReportSections.Names.Contains(name, StringComparer.Ordinal))
            {
                string? nearest = NameSuggestions.Nearest(name, ReportSections.Names);
                throw new ArgumentException(
                    $"Unknown report table '{name}'{(nearest is null ? "" : $" (did you mean '{nearest}'?)")}; the tables are {string.Join(", ", ReportSections.Names)}.", nameof(options));
            }
        }

        var notes = new List<string>();
        GeoIpCountryResolver? geoIp = null;
        Task<FactbookColumns>? factbook = null;
        try
        {
            string? database = Includes(options, ReportSections.Countries) ? options.GeoIpDatabase ?? FindGeoIp(options.PublicDataDir) : null;
            if (database is null && !Includes(options, ReportSections.Countries))
            {
                // --only leaves the countries out: no database is looked for, and none is missed.
            }
            else if (database is null)
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
        Section<VideoSection>()?.CloseSpill(); // a failed or cancelled run's scratch files; a completed one closed them
        Section<ModuleEngagementSection>()?.CloseSpill();
        Section<ProblemResponseSection>()?.CloseSpill();
        Section<AnswerDistributionSection>()?.CloseSpill();
        _weekly.CloseSpill();
        Section<ForumActivitySection>()?.CloseSpill();
        Section<ActiveUsersWeeklySection>()?.CloseSpill();
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

    private bool Includes(string name) => Includes(Options, name);

    private static bool Includes(ReportOptions options, string name) => options.Only.Count == 0 || options.Only.Contains(name, StringComparer.Ordinal);

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

    /// <summary>
    /// The last part of <see cref="Aggregate"/>: marks the reports complete once every table before it is. It has no
    /// state, so a report's partial file (<c>--partial</c>) holds it as an empty entry. First it collects aggressively
    /// (the large-object heap compacted, free memory given back to the system), so the writing's charts and tables
    /// start from what the rows hold rather than from the fold's and the completions' high-water mark. Measured
    /// (published, 3 runs alternating, with and without it): 200k events 179-180 -> 161-162 MiB peak, 1M 199-201 ->
    /// 175-196 MiB, the same CPU (0.76-0.78 s, 2.51-2.58 s); 8M 241-249 -> 237-239 (2 runs). Only when the
    /// completions had allocated 32 MiB since the last collection (<see cref="SequentialCompletion"/>'s rule), it did
    /// not run at 200k and changed nothing there; a plain, non-aggressive collection gave 167-169 MiB at 200k.
    /// </summary>
    private sealed class CompletionMarker(LearnerReports owner, StrongBox<long> lastCollection) : IPartialAggregate<CompletionMarker>
    {
        public string StateName => "report.complete";

        public int StateVersion => 1;

        public CompletionMarker CreatePartial() => this;

        public void Accumulate(CompletionMarker target, EventBatch batch)
        {
        }

        public void Merge(CompletionMarker into, CompletionMarker from)
        {
        }

        public void Complete(CompletionMarker result)
        {
            // Completion runs on one thread, part after part: no race on the box (see SequentialCompletion).
            owner._facts.Usernames.Release(); // every section that ranks learners has built its rows
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            lastCollection.Value = GC.GetTotalAllocatedBytes(precise: false);

            owner.IsComplete = true;
        }

        public void WritePartial(CompletionMarker state, PartialWriter writer)
        {
        }

        public CompletionMarker ReadPartial(PartialReader reader) => this;
    }
}
