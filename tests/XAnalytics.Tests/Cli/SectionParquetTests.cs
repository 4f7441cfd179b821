using System.CommandLine;
using System.Globalization;
using XAnalytics.Cli;
using XAnalytics.Tests.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Cli;

/// <summary>
/// <c>report --format parquet</c>'s edX section tables and <c>learners --format parquet</c> over edX's acceptance logs,
/// read back with DuckDB: each Parquet file has its CSV's columns and rows, with the columns' types.
/// </summary>
public sealed class SectionParquetTests : IDisposable
{
    private const string Date = "DATE";
    private const string Text = "VARCHAR";
    private const string Int = "BIGINT";
    private const string Real = "DOUBLE";
    private const string Time = "TIMESTAMP WITH TIME ZONE";

    // Every table of the sections (course_pages writes HTML only), with the types its columns must have.
    private static readonly (string Table, string[] Types)[] s_sectionTables =
    [
        ("video", [Text, Text, Text, Int, Int, Int, Int, Int]),
        ("video_timeline", [Text, Int, Int, Int]),
        ("module_engagement", [Date, Text, Text, Text, Text, Text, Int]),
        ("module_engagement_metric_ranges", [Text, Date, Date, Text, Text, Real, Real]),
        ("active_users_weekly", [Date, Date, Text]),
        ("courseware_link_clicked", [Text, Date, Int, Int]),
        ("course_enrollment_daily", [Date, Text, Int, Int]),
        ("course_enrollment_mode_daily", [Date, Text, Text, Int, Int]),
        ("course_enrollment_summary", [Text, Int, Text, Int, Text, Time, Time, Time, Time, Time]),
        ("forum_activity_daily", [Date, Text, Text, Int, Int, Int, Int, Int]),
        ("forum_activity_weekly", [Date, Text, Text, Int, Int, Int, Int, Int]),
        ("tags_distribution", [Text, Text, Text, Text, Text, Int, Int]),
        ("problem_response", [Text, Text, Text, Text, Text, Text, Int, Time, Time]),
        ("answer_distribution", [Text, Text, Text, Int, Int, Int, Text, Text, Text, Text, Text]),
    ];

    private static readonly string[] s_timeOnTask = [Real, Real, Real, Real, Real, Real, Real, Real, Real, Real];

    private static readonly (string Table, string[] Types)[] s_learnerTables =
    [
        ("sessions", [Text, Text, Time, Time, Int, Real]),
        ("time_on_task", [Text, Text, Date, .. s_timeOnTask]),
        ("person_course", [Text, Text, Int, Int, Int, Int, Int, Int, Int, Int, Int, Time, Time, Text, Int, Real, .. s_timeOnTask]),
    ];

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        Directory.CreateDirectory(_dir.PathOf("no-public-data"));
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] reading = ["--rejects", _dir.PathOf($"rejects-{Guid.NewGuid():N}.tsv"), "--no-progress",
            "--set", $"scratch-dir={_dir.PathOf("scratch")}", "--set", $"public-data-dir={_dir.PathOf("no-public-data")}"];
        int exit = await Program.RunAsync([.. args, .. reading], new InvocationConfiguration { Output = output, Error = error }, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(120));
        return (exit, output.ToString(), error.ToString());
    }

    [CorpusFact]
    public async Task Report_Parquet_EverySectionTableHasTheCsvRowsTyped()
    {
        string csvDir = _dir.PathOf("report-csv");
        string parquetDir = _dir.PathOf("report-parquet");

        var (exit, _, error) = await RunAsync("report", Corpus.Directory!, parquetDir, "--format", "parquet");
        var (csvExit, _, _) = await RunAsync("report", Corpus.Directory!, csvDir);

        Assert.True(exit is ExitCodes.Clean or ExitCodes.DataProblems, error);
        Assert.Equal(csvExit, exit);
        int rows = AssertSameTables(csvDir, parquetDir, s_sectionTables);
        Assert.True(rows > 100, $"only {rows} rows over every section table"); // the corpus fills them: a comparison of empty files proves nothing
        string html = File.ReadAllText(Path.Combine(parquetDir, "index.html"));
        foreach ((string table, _) in s_sectionTables)
        {
            Assert.Contains($"href=\"{table}.parquet\"", html, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(".csv\"", html, StringComparison.Ordinal);
    }

    /// <summary>The metric ranges are those of the last week: to the corpus's busiest engagement day, so the week has some (the whole corpus's last week has none).</summary>
    [CorpusFact]
    public async Task Report_Parquet_MetricRangesDoublesAndUnboundedNull()
    {
        string csvDir = _dir.PathOf("ranges-csv");
        string parquetDir = _dir.PathOf("ranges-parquet");
        string[] args = ["--only", "module_engagement", "--to", "2014-05-02"];

        await RunAsync(["report", Corpus.Directory!, parquetDir, "--format", "parquet", .. args]);
        await RunAsync(["report", Corpus.Directory!, csvDir, .. args]);

        int rows = AssertSameTables(csvDir, parquetDir, [.. s_sectionTables.Where(static t => t.Table.StartsWith("module_engagement", StringComparison.Ordinal))]);
        Assert.True(rows > 10, $"only {rows} rows");
        string parquet = DuckDb.Quote(Path.Combine(parquetDir, "module_engagement_metric_ranges.parquet"));
        List<object?[]> counts = DuckDb.Rows($"SELECT count(*) FILTER (WHERE high_value IS NULL), count(*) FILTER (WHERE low_value IS NOT NULL), max(high_value) FROM read_parquet('{parquet}')");
        Assert.True((long)counts[0][0]! > 0); // unbounded: NULL, not 0 or infinity
        Assert.True((long)counts[0][1]! > 0);
        Assert.IsType<double>(counts[0][2]);
    }

    [CorpusFact]
    public async Task Report_FormatSwitched_ReplacesTheOtherFormatsFolder()
    {
        string dir = _dir.PathOf("report");
        string[] only = ["--only", "video,forum_activity"];

        var (first, _, firstError) = await RunAsync(["report", Corpus.Directory!, dir, .. only]);
        var (second, _, secondError) = await RunAsync(["report", Corpus.Directory!, dir, "--format", "parquet", .. only]);

        Assert.True(first is ExitCodes.Clean or ExitCodes.DataProblems, firstError);
        Assert.True(second is ExitCodes.Clean or ExitCodes.DataProblems, secondError);
        Assert.True(File.Exists(Path.Combine(dir, "video.parquet")));
        Assert.False(File.Exists(Path.Combine(dir, "video.csv")));

        var (third, _, thirdError) = await RunAsync(["report", Corpus.Directory!, dir, .. only]);

        Assert.True(third is ExitCodes.Clean or ExitCodes.DataProblems, thirdError);
        Assert.True(File.Exists(Path.Combine(dir, "forum_activity_weekly.csv")));
        Assert.False(File.Exists(Path.Combine(dir, "forum_activity_weekly.parquet")));
    }

    [CorpusFact]
    public async Task Learners_Parquet_EveryTableHasTheCsvRowsTyped()
    {
        string csvDir = _dir.PathOf("learners-csv");
        string parquetDir = _dir.PathOf("learners-parquet");

        var (exit, _, error) = await RunAsync("learners", Corpus.Directory!, parquetDir, "--format", "parquet");
        var (csvExit, _, _) = await RunAsync("learners", Corpus.Directory!, csvDir, "--format", "csv");

        Assert.True(exit is ExitCodes.Clean or ExitCodes.DataProblems, error);
        Assert.Equal(csvExit, exit);
        int rows = AssertSameTables(csvDir, parquetDir, s_learnerTables);
        Assert.True(rows > 20, $"only {rows} rows over the learner tables");
        string html = File.ReadAllText(Path.Combine(parquetDir, "index.html"));
        Assert.Contains("href=\"person_course.parquet\">person_course.parquet</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(".csv", html, StringComparison.Ordinal);

        // A folder holding the other format's tables is replaced, not refused.
        var (again, _, againError) = await RunAsync("learners", Corpus.Directory!, parquetDir);
        Assert.True(again is ExitCodes.Clean or ExitCodes.DataProblems, againError);
        Assert.True(File.Exists(Path.Combine(parquetDir, "sessions.csv")));
        Assert.False(File.Exists(Path.Combine(parquetDir, "sessions.parquet")));
    }

    [Fact]
    public async Task Learners_UnknownFormat_IsAUsageError()
    {
        string log = _dir.PathOf("in.log");
        File.WriteAllText(log, """{"username": "learner_x", "event_type": "play_video", "time": "2015-03-01T10:00:00Z", "context": {"course_id": "course-v1:OrgX+C1+2015_T1"}}""" + "\n");

        var (exit, _, error) = await RunAsync("learners", log, _dir.PathOf("out"), "--format", "xlsx");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("xlsx", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.PathOf("out")));
    }

    /// <summary>
    /// Each table: the Parquet file only (no CSV beside it), its column names the CSV's header, its types
    /// <paramref name="tables"/>' and its rows the CSV's in the same order; returns the rows compared.
    /// </summary>
    private static int AssertSameTables(string csvDir, string parquetDir, (string Table, string[] Types)[] tables)
    {
        int compared = 0;
        foreach ((string table, string[] types) in tables)
        {
            string parquet = Path.Combine(parquetDir, table + ".parquet");
            Assert.False(File.Exists(Path.Combine(parquetDir, table + ".csv")), table);
            Assert.False(File.Exists(Path.Combine(csvDir, table + ".parquet")), table);
            (string[] header, List<string[]> csvRows) = ReportTestKit.ReadCsv(Path.Combine(csvDir, table + ".csv"));
            List<(string Name, string Type)> columns = DuckDb.Describe(parquet);
            Assert.Equal(header, columns.Select(static c => c.Name));
            Assert.True(types.SequenceEqual(columns.Select(static c => c.Type)), $"{table}: {string.Join(", ", columns.Select(static c => c.Type))}");
            List<object?[]> parquetRows = DuckDb.Rows($"SELECT * FROM read_parquet('{DuckDb.Quote(parquet)}')");
            Assert.Equal(csvRows.Count, parquetRows.Count);
            for (int r = 0; r < csvRows.Count; r++)
            {
                string[] expected = csvRows[r];
                var actual = new string[parquetRows[r].Length];
                for (int c = 0; c < actual.Length; c++)
                {
                    actual[c] = types[c] == Time ? AsCsvInstant(parquetRows[r][c], expected[c]) : AsCsv(parquetRows[r][c], expected[c]);
                }

                Assert.Equal(expected, actual);
            }

            compared += csvRows.Count;
        }

        return compared;
    }

    /// <summary>
    /// A Parquet timestamp as its CSV text when both are the same instant (the CSV keeps edX's text, read as UTC), to
    /// the microsecond; otherwise the timestamp in ISO form, so the rows differ.
    /// </summary>
    private static string AsCsvInstant(object? value, string csv)
    {
        DateTime? instant = value switch
        {
            null => null,
            DateTimeOffset o => o.UtcDateTime,
            DateTime t => t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc),
            _ => throw new InvalidOperationException($"A timestamp column gave a {value.GetType().Name}."),
        };
        if (instant is null)
        {
            return string.Empty;
        }

        DateTime expected = DateTime.Parse(csv, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        return expected.Ticks / 10 == instant.Value.Ticks / 10 ? csv : instant.Value.ToString("O", CultureInfo.InvariantCulture);
    }

    /// <summary>A Parquet value as its CSV text: a double that is the number the CSV's text reads as is that text.</summary>
    private static string AsCsv(object? value, string csv) => value switch
    {
        null => string.Empty,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double x => double.TryParse(csv, NumberStyles.Float, CultureInfo.InvariantCulture, out double read) && read == x ? csv : x.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };
}
