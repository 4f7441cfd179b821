using System.Text;
using XAnalytics.Reports;
using XAnalytics.Reports.Reference;
using XAnalytics.Tests.Reports.Reference;







namespace XAnalytics.Tests.Reports;

/// <summary>
/// Learners per country from hand-written events, with addresses from MaxMind's test database
/// (GeoIP2-Country-Test.json: 81.2.69.142/31 GB, 89.160.20.112/28 SE, 216.160.83.56/29 US, 67.43.156.0/24 BT,
/// 175.16.199.0/24 CN; 10.0.0.1 is in no record).
/// </summary>
public sealed class CountriesReportTests : IDisposable
{
    private const string CourseA = "course-v1:OrgX+C1+2015_T1"; // written so in the reports, as in the log
    private const string CourseB = "OrgY/C2/2015";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-countries-");

    private string ReportDir => Path.Combine(_dir.FullName, "report");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Event(string? userId, string? course, string time, string ip)
        => $$"""{"username": "x", "event_type": "play_video", "event_source": "browser", "time": "{{time}}", "ip": "{{ip}}", "context": {"course_id": "{{course ?? ""}}", "user_id": {{userId ?? "null"}}}, "event": "{}"}""";

    private string WriteLog()
    {
        string path = Path.Combine(_dir.FullName, "logs", "tracking.log");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path,
        [
            // User 1: the later event (SE) comes first in the file; "last" is by event time. A blank ip never wins.
            Event("1", CourseA, "2015-03-02T10:00:00+00:00", "89.160.20.120"),
            Event("1", CourseA, "2015-03-01T10:00:00+00:00", "81.2.69.142"),
            Event("1", CourseB, "2015-03-05T09:00:00+00:00", ""),
            // User 2: last seen (on an event with no course) in Bhutan, so Bhutan for course A too.
            Event("2", CourseA, "2015-03-01T10:00:00+00:00", "216.160.83.60"),
            Event("2", null, "2015-03-03T10:00:00+00:00", "67.43.156.1"),
            Event("3", CourseA, "2015-03-01T11:00:00+00:00", "175.16.199.255"),
            Event("4", CourseA, "2015-03-01T12:00:00+00:00", ""),
            Event("5", CourseB, "2015-03-01T12:00:00+00:00", "10.0.0.1"),
            Event("6", CourseA, "2015-03-01T12:00:00+00:00", "::ffff:81.2.69.142"),
            // No user id: not a learner.
            Event(null, CourseA, "2015-03-01T12:00:00+00:00", "81.2.69.142"),
        ]);
        return path;
    }

    [PublicDataFact]
    public async Task Countries_LastAddressByTime_LearnersPerCountryPerCourseWithFactbook()
    {
        var options = new ReportOptions { PublicDataDir = PublicData.Directory };
        using LearnerReports reports = await ReportTestKit.RunAsync([WriteLog()], options);
        ReportWriter.Write(reports, ReportDir);

        string csv = Path.Combine(ReportDir, "countries.csv");
        (string[] header, List<string[]> rows) = ReportTestKit.ReadCsv(csv);
        Assert.Equal(["course_id", "country", "country_name", "learners", "gdp_per_capita", "languages", "internet_users"], header);
        Assert.Equal(
            [
                "OrgY/C2/2015 SE Sweden 1 38500 7000000",
                "OrgY/C2/2015 UNKNOWN  1  ",
                "course-v1:OrgX+C1+2015_T1 BT Bhutan 1 5600 40000",
                "course-v1:OrgX+C1+2015_T1 CN China 1 6000 253000000",
                "course-v1:OrgX+C1+2015_T1 GB United Kingdom 1 36600 40200000",
                "course-v1:OrgX+C1+2015_T1 SE Sweden 1 38500 7000000",
                "course-v1:OrgX+C1+2015_T1 UNKNOWN  1  ",
            ],
            rows.Select(r => $"{r[0]} {r[1]} {r[2]} {r[3]} {r[4]} {r[6]}"));

        // Languages come from languages.csv and hold commas: quoted in the file, whole once parsed.
        string bhutan = rows.First(r => r[1] == "BT")[5];
        Assert.StartsWith("Sharchhopka 28%, Dzongkha (official) 24%", bhutan, StringComparison.Ordinal);
        Assert.Contains("\"Sharchhopka 28%, Dzongkha", File.ReadAllText(csv, Encoding.UTF8), StringComparison.Ordinal);

        // Course A: of 4 learners with a known GDP (BT, CN, GB, SE), 2 under 10 000 US$.
        GdpShareRow a = reports.Countries!.GdpShares!.Single(s => s.CourseId == CourseA);
        Assert.Equal((4, 2), (a.LearnersWithGdp, a.LearnersBelow));
        Assert.Equal(BinomialInterval.Compute(2, 4), a.Interval);
        GdpShareRow all = reports.Countries.GdpShares!.Single(s => s.CourseId.Length == 0);
        Assert.Equal((4, 2), (all.LearnersWithGdp, all.LearnersBelow));
        Assert.Equal(
            ["UNKNOWN 2", "BT 1", "CN 1", "GB 1", "SE 1"],
            reports.Countries.Overall!.Select(r => $"{r.Country} {r.Learners}"));

        (string[] shareHeader, List<string[]> shareRows) = ReportTestKit.ReadCsv(Path.Combine(ReportDir, "gdp_share.csv"));
        Assert.Equal(["course_id", "gdp_threshold", "learners_with_gdp", "learners_below", "share", "lower_95", "upper_95"], shareHeader);
        Assert.Equal([CourseA, "10000", "4", "2", "0.5"], shareRows.First(r => r[0] == CourseA)[..5]);
        string html = File.ReadAllText(Path.Combine(ReportDir, "index.html"));
        Assert.Contains("charts/top_countries.svg", html, StringComparison.Ordinal);
        Assert.Contains("under 10,000 US$", html, StringComparison.Ordinal);
    }

    [PublicDataFact]
    public async Task Countries_GeoIpButNoFactbook_CountriesWithoutFactbookColumns()
    {
        var options = new ReportOptions { GeoIpDatabase = PublicData.MaxMindDirectory };
        using LearnerReports reports = await ReportTestKit.RunAsync([WriteLog()], options);

        CountryRow first = reports.Countries!.Rows!.First(r => r.CourseId == CourseA);
        Assert.Equal("BT", first.Country);
        Assert.Null(first.CountryName);
        Assert.Null(reports.Countries.GdpShares);
        Assert.Contains(reports.Notes, n => n.Contains("no Factbook columns", StringComparison.Ordinal));
    }

    [PublicDataFact]
    public async Task Write_AgainWithoutGeoIp_RemovesTheEarlierCountryFiles()
    {
        string log = WriteLog();
        using (LearnerReports with = await ReportTestKit.RunAsync([log], new ReportOptions { PublicDataDir = PublicData.Directory }))
        {
            ReportWriter.Write(with, ReportDir);
        }

        Assert.True(File.Exists(Path.Combine(ReportDir, "countries.csv")));
        using LearnerReports without = await ReportTestKit.RunAsync([log], new ReportOptions());
        ReportWriter.Write(without, ReportDir);

        Assert.False(File.Exists(Path.Combine(ReportDir, "countries.csv")));
        Assert.False(File.Exists(Path.Combine(ReportDir, "gdp_share.csv")));
        Assert.False(File.Exists(Path.Combine(ReportDir, "charts", "top_countries.png")));
        Assert.True(File.Exists(Path.Combine(ReportDir, "charts", "daily_active.png")));
    }

    /// <summary>DuckDB reads every CSV as it is (its sniffer, no options), with the same rows and the quoted languages whole.</summary>
    [PublicDataFact]
    public async Task Csvs_ReadByDuckDbAsTheyAre_SameRowsAsSep()
    {
        var options = new ReportOptions { PublicDataDir = PublicData.Directory };
        using LearnerReports reports = await ReportTestKit.RunAsync([WriteLog()], options);
        ReportFiles files = ReportWriter.Write(reports, ReportDir);

        using var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:");
        connection.Open();
        foreach (string csv in files.Files.Where(f => f.EndsWith(".csv", StringComparison.Ordinal)))
        {
            (string[] header, List<string[]> rows) = ReportTestKit.ReadCsv(csv);
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM read_csv_auto('{csv.Replace("'", "''", StringComparison.Ordinal)}')";
            using var reader = command.ExecuteReader();
            Assert.Equal(header, Enumerable.Range(0, reader.FieldCount).Select(reader.GetName));
            int n = 0;
            while (reader.Read())
            {
                int languages = Array.IndexOf(header, "languages");
                if (languages >= 0)
                {
                    Assert.Equal(rows[n][languages], reader.IsDBNull(languages) ? "" : reader.GetString(languages));
                }

                n++;
            }

            Assert.Equal(rows.Count, n);
        }
    }
}
