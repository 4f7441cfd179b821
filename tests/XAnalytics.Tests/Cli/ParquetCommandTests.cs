using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using XAnalytics.Cli;
using XAnalytics.Tests.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Cli;

/// <summary>
/// <c>--format parquet</c> of count, select, schema and report, read back with DuckDB: the same rows as the text
/// formats, with typed columns.
/// </summary>
public sealed class ParquetCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await Program.BuildRoot().Parse([.. args, "--rejects", _dir.PathOf("rejects.tsv"), "--no-progress"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error })
            .WaitAsync(TimeSpan.FromSeconds(60));
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("select")]
    [InlineData("count")]
    public async Task Help_Format_SaysColumnsAreTypedByTheirValues(string command)
    {
        using var output = new StringWriter();
        int exit = await Program.BuildRoot().Parse([command, "--help"]).InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
        Assert.Equal(0, exit);
        string help = output.ToString();
        foreach (string type in (string[])["INT64", "DOUBLE", "BOOLEAN", "TIMESTAMP", "DATE"])
        {
            Assert.Contains(type, help, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("the rest strings", help, StringComparison.Ordinal);
    }

    private string WriteSample()
    {
        string path = _dir.PathOf("logs/s1/tracking.log-20150301-1.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string[] lines =
        [
            Event("learner_a", "play_video", "2015-03-01T10:00:00+00:00"),
            Event("learner_b", "play_video", "2015-03-01T11:00:00+00:00"),
            Event("learner_a", "pause_video", "2015-03-02T10:00:00+00:00"),
            """{"username": "learner_c", "event_type": "problem_check", "event": "{}"}""", // no time: no day
            """{"username": "learner_b", "event_type": 5, "time": "2015-03-02T10:00:00Z"}""", // a number
            "not json",
        ];
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            gz.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        }

        return Path.GetDirectoryName(Path.GetDirectoryName(path))!;
    }

    private static string Event(string user, string type, string time)
        => $$"""{"username": "{{user}}", "event_type": "{{type}}", "time": "{{time}}", "context": {"course_id": "course-v1:OrgX+C1+2015_T1"}, "event": "{\"id\": \"v1\"}"}""";

    [Fact]
    public async Task Count_ByDayAndType_ParquetHasTypedColumnsAndTheCsvRows()
    {
        string logs = WriteSample();
        string parquet = _dir.PathOf("out/counts.parquet");
        Directory.CreateDirectory(_dir.PathOf("out"));

        var (exit, output, error) = await RunAsync("count", logs, "--by", "day", "--by", "event_type", "--format", "parquet", "--output", parquet);
        var (csvExit, csv, _) = await RunAsync("count", logs, "--by", "day", "--by", "event_type", "--format", "csv");

        Assert.Equal(ExitCodes.DataProblems, exit); // the line that is not JSON
        Assert.Equal(csvExit, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("rejected 1", error, StringComparison.Ordinal);
        Assert.Equal([("day", "DATE"), ("event_type", "VARCHAR"), ("count", "BIGINT")], DuckDb.Describe(parquet));
        Assert.Equal(CsvRows(csv), ParquetRows(parquet));
        Assert.Equal(["counts.parquet"], Directory.GetFiles(_dir.PathOf("out")).Select(Path.GetFileName)); // no temporary left
    }

    [Fact]
    public async Task Count_Totals_ParquetMeasureAndCount()
    {
        string logs = WriteSample();
        string parquet = _dir.PathOf("totals.parquet");

        await RunAsync("count", logs, "--format", "parquet", "-o", parquet);

        Assert.Equal([("measure", "VARCHAR"), ("count", "BIGINT")], DuckDb.Describe(parquet));
        Assert.Equal([["events", "5"], ["users", "3"]], ParquetRows(parquet));
    }

    [Fact]
    public async Task Select_Parquet_OneRowPerEventInInputOrder_SameAsCsv()
    {
        string logs = WriteSample();
        string parquet = _dir.PathOf("rows.parquet");

        var (exit, _, _) = await RunAsync("select", logs, "username", "day", "event.id", "--format", "parquet", "--output", parquet);
        var (_, csv, _) = await RunAsync("select", logs, "username", "day", "event.id", "--format", "csv");

        Assert.Equal(ExitCodes.DataProblems, exit);
        Assert.Equal([("username", "VARCHAR"), ("day", "DATE"), ("event.id", "VARCHAR")], DuckDb.Describe(parquet));
        List<string[]> rows = ParquetRows(parquet, orderBy: null);
        Assert.Equal(5, rows.Count);
        Assert.Equal(CsvRows(csv, sort: false), rows);
    }

    [Fact]
    public async Task Select_Parquet_ColumnsTypedByAllTheirValues()
    {
        string logs = _dir.WriteText("typed/a.log", string.Join('\n',
            """{"username": "learner_a", "time": "2015-03-01T10:00:00.250000+00:00", "event": {"position": 12.5, "attempts": 3, "correct": true, "code": "5"}}""",
            """{"username": "learner_b", "time": "2015-03-01T11:00:00+01:00", "event": {"position": 7, "attempts": 4, "correct": false, "code": 5}}""",
            """{"username": "learner_c"}""") + "\n");
        string parquet = _dir.PathOf("typed.parquet");

        var (exit, _, error) = await RunAsync("select", logs, "username", "time", "event.position", "event.attempts", "event.correct", "event.code", "--format", "parquet", "--output", parquet);

        Assert.True(exit == ExitCodes.Clean, error);
        Assert.Equal(
            [("username", "VARCHAR"), ("time", "TIMESTAMP WITH TIME ZONE"), ("event.position", "DOUBLE"), ("event.attempts", "BIGINT"), ("event.correct", "BOOLEAN"), ("event.code", "VARCHAR")],
            DuckDb.Describe(parquet));
        List<object?[]> rows = DuckDb.Rows(
            $"SELECT username, epoch_us(\"time\"), \"event.position\", \"event.attempts\", \"event.correct\", \"event.code\" FROM read_parquet('{DuckDb.Quote(parquet)}')");
        long at10 = new DateTimeOffset(2015, 3, 1, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000;
        Assert.Equal(
            [
                ["learner_a", at10 + 250_000, 12.5, 3L, true, "5"],
                ["learner_b", at10, 7.0, 4L, false, "5"], // 11:00+01:00 is 10:00 UTC
                ["learner_c", null, null, null, null, null],
            ],
            rows);
        Assert.Equal(["typed.parquet"], Directory.GetFiles(_dir.Root, "*typed*").Select(Path.GetFileName)); // the spool is gone
    }

    [Fact]
    public async Task Count_ByNumberAndBoolean_ParquetInt64AndBooleanColumns()
    {
        string logs = _dir.WriteText("typed/a.log", string.Join('\n',
            """{"username": "learner_a", "event": {"attempts": 3, "correct": true}}""",
            """{"username": "learner_b", "event": {"attempts": 3, "correct": false}}""",
            """{"username": "learner_c", "event": {"attempts": 12}}""") + "\n");
        string parquet = _dir.PathOf("typed-counts.parquet");

        var (exit, _, error) = await RunAsync("count", logs, "--by", "event.attempts", "--by", "event.correct", "--format", "parquet", "--output", parquet);

        Assert.True(exit == ExitCodes.Clean, error);
        Assert.Equal([("event.attempts", "BIGINT"), ("event.correct", "BOOLEAN"), ("count", "BIGINT")], DuckDb.Describe(parquet));
        Assert.Equal(
            [[3L, false, 1L], [3L, true, 1L], [12L, null, 1L]],
            DuckDb.Rows($"SELECT * FROM read_parquet('{DuckDb.Quote(parquet)}') ORDER BY 1, 2"));
    }

    [Fact]
    public async Task Schema_Parquet_SameRowsAsCsv()
    {
        string logs = WriteSample();
        string parquet = _dir.PathOf("schema.parquet");

        await RunAsync("schema", logs, "--format", "parquet", "--output", parquet);
        var (_, csv, _) = await RunAsync("schema", logs, "--format", "csv");

        Assert.Equal([("path", "VARCHAR"), ("count", "BIGINT"), ("example", "VARCHAR")], DuckDb.Describe(parquet));
        Assert.Equal(CsvRows(csv, sort: false), ParquetRows(parquet, orderBy: null));
    }

    [Fact]
    public async Task Parquet_WithoutOutput_IsAUsageErrorBeforeReading()
    {
        string logs = WriteSample();

        var (exit, output, error) = await RunAsync("count", logs, "--format", "parquet");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("--format parquet writes a file: name it with --output FILE", error, StringComparison.Ordinal);
        Assert.DoesNotContain("lines read", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_TextFormat_WrittenToTheFileNotStdout()
    {
        string logs = WriteSample();
        string file = _dir.PathOf("counts.tsv");

        var (_, output, _) = await RunAsync("count", logs, "--by", "event_type", "--output", file);
        var (_, stdout, _) = await RunAsync("count", logs, "--by", "event_type");

        Assert.Equal(string.Empty, output);
        Assert.Equal(stdout, File.ReadAllText(file));
    }

    /// <summary>The report over edX's acceptance logs: every table as Parquet holds what its CSV holds, typed.</summary>
    [CorpusFact]
    public async Task Report_Parquet_EveryTableTheCsvRowsTyped()
    {
        string csvDir = _dir.PathOf("report-csv");
        string parquetDir = _dir.PathOf("report-parquet");

        var (exit, _, error) = await RunAsync("report", Corpus.Directory!, parquetDir, "--format", "parquet");
        await RunAsync("report", Corpus.Directory!, csvDir);

        Assert.True(exit is ExitCodes.Clean or ExitCodes.DataProblems, error);
        string[] tables = ["events_daily", "weekly_activity", "daily_active", "enrollment_daily"];
        foreach (string table in tables)
        {
            string parquet = Path.Combine(parquetDir, table + ".parquet");
            Assert.False(File.Exists(Path.Combine(parquetDir, table + ".csv")));
            (string[] header, List<string[]> csvRows) = ReportTestKit.ReadCsv(Path.Combine(csvDir, table + ".csv"));
            Assert.Equal(header, DuckDb.Describe(parquet).Select(static c => c.Name));
            Assert.NotEmpty(csvRows);
            Assert.Equal(csvRows, ParquetRows(parquet, orderBy: null));
        }

        Assert.Equal([("day", "DATE"), ("course_id", "VARCHAR"), ("family", "VARCHAR"), ("events", "BIGINT")], DuckDb.Describe(Path.Combine(parquetDir, "events_daily.parquet")));
        Assert.Contains("href=\"events_daily.parquet\"", File.ReadAllText(Path.Combine(parquetDir, "index.html")), StringComparison.Ordinal);
    }

    /// <summary>CSV rows after the header (RFC 4180, as the commands write it), sorted unless asked not to.</summary>
    private static List<string[]> CsvRows(string csv, bool sort = true)
    {
        string path = Path.Combine(Path.GetTempPath(), $"xanalytics-parquet-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, csv);
        try
        {
            List<string[]> rows = ReportTestKit.ReadCsv(path).Rows;
            if (sort)
            {
                rows.Sort(static (a, b) => string.CompareOrdinal(string.Join('\u0001', a), string.Join('\u0001', b)));
            }

            return rows;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A Parquet file's rows with each value written as the CSV writes it (null empty, dates yyyy-MM-dd), sorted as <see cref="CsvRows"/> sorts.</summary>
    private static List<string[]> ParquetRows(string parquet, string? orderBy = "sort")
    {
        var rows = new List<string[]>();
        foreach (object?[] row in DuckDb.Rows($"SELECT * FROM read_parquet('{DuckDb.Quote(parquet)}')"))
        {
            rows.Add([.. row.Select(Text)]);
        }

        if (orderBy is not null)
        {
            rows.Sort(static (a, b) => string.CompareOrdinal(string.Join('\u0001', a), string.Join('\u0001', b)));
        }

        return rows;
    }

    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double x => x.ToString("0.##########", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };
}
