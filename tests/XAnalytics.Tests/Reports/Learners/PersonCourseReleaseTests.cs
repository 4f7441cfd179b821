using XAnalytics.Reports.Learners;
using XAnalytics.Stages.Desensitize;
using XAnalytics.Tests.Reports.Reference;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports.Learners;

/// <summary>The de-identified release of a person_course.csv: pseudonyms, generalisation, suppression, and the k-anonymity check.</summary>
public sealed class PersonCourseReleaseTests
{
    private static readonly PseudonymKey s_key = PseudonymKey.FromBytes("release-test-key-0123456789abcdef"u8);

    private const string Header = "course_id,learner,viewed,explored,nevents,first_event,last_event,country,nforum_posts";

    // Made-up learners. With k = 2 over course, region and the two months: GB, FR and UA are all Europe (3 learners,
    // 2015-03/2015-04), SE in 2015-05 is alone (suppressed), the two US learners share North America, UNKNOWN alone is
    // suppressed; in course B the single learner is suppressed.
    private static readonly string[] s_rows =
    [
        "A/B/C,amy_test,1,0,10,2015-03-01T10:00:00Z,2015-04-02T10:00:00Z,GB,0",
        "A/B/C,ben_test,1,1,12,2015-03-05T10:00:00Z,2015-04-09T10:00:00Z,FR,1",
        "A/B/C,cat_test,0,0,3,2015-03-20T10:00:00Z,2015-04-20T10:00:00Z,UA,0",
        "A/B/C,dan_test,1,0,7,2015-03-20T10:00:00Z,2015-05-01T10:00:00Z,SE,0",
        "A/B/C,eve_test,1,1,40,2015-03-02T10:00:00Z,2015-04-28T10:00:00Z,US,2",
        "A/B/C,fay_test,1,1,41,2015-03-09T10:00:00Z,2015-04-30T10:00:00Z,US,0",
        "A/B/C,gus_test,1,0,1,2015-03-09T10:00:00Z,2015-04-30T10:00:00Z,UNKNOWN,0",
        "X/Y/Z,amy_test,1,1,10,2015-03-01T10:00:00Z,2015-04-02T10:00:00Z,GB,0",
    ];

    [PublicDataFact]
    public void Write_K2_GeneralisesSuppressesAndThePublishedTableIsKAnonymous()
    {
        using var dir = new TempDir();
        string input = dir.WriteText("person_course.csv", Header + "\n" + string.Join("\n", s_rows) + "\n");
        ReleaseResult result = PersonCourseRelease.Write(input, dir.PathOf("release"),
            new ReleaseOptions { K = 2, Key = s_key, PublicDataDir = PublicData.Directory });

        Assert.Equal((8, 5, 3), (result.RowsIn, result.RowsReleased, result.RowsSuppressed));
        (string[] header, List<string[]> rows) = ReportTestKit.ReadCsv(result.Csv);
        Assert.Equal(["course_id", "learner", "viewed", "explored", "nevents", "first_event_month", "last_event_month", "region", "nforum_posts"], header);

        // Pseudonyms, never names; rows in pseudonym order.
        string text = File.ReadAllText(result.Csv);
        Assert.DoesNotContain("_test", text, StringComparison.Ordinal);
        string[] expectedLearners = [.. new[] { "amy_test", "ben_test", "cat_test", "eve_test", "fay_test" }.Select(s_key.Pseudonymize).Order(StringComparer.Ordinal)];
        Assert.Equal(expectedLearners, rows.Select(static r => r[1]));
        Assert.Equal(
            ["Europe", "Europe", "Europe", "North America", "North America"],
            rows.Select(static r => r[7]).Order(StringComparer.Ordinal));
        Assert.All(rows, static r => Assert.Equal(("2015-03", "2015-04"), (r[5], r[6])));

        // Independently of the library's check: every combination holds at least 2 learners.
        Assert.All(rows.GroupBy(static r => (r[0], r[5], r[6], r[7])), static g => Assert.True(g.Select(static r => r[1]).Distinct().Count() >= 2));
        KAnonymityCheck check = PersonCourseRelease.Check(result.Csv, ["first_event_month", "last_event_month", "region"], 2);
        Assert.True(check.IsKAnonymous);
        Assert.Equal((5, 2, 2), (check.Rows, check.Classes, check.SmallestClass));
        Assert.False(PersonCourseRelease.Check(result.Csv, ["first_event_month", "last_event_month", "region"], 3).IsKAnonymous);

        string report = File.ReadAllText(result.Report);
        Assert.Contains("suppressed: 3", report, StringComparison.Ordinal);
        Assert.Contains("| X/Y/Z | 1 |", report, StringComparison.Ordinal);
        Assert.Contains("2-anonymous", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_QuasiIncludesACountColumn_SuppressesByIt_UnknownColumnIsAnError()
    {
        using var dir = new TempDir();
        string input = dir.WriteText("person_course.csv", Header + "\n" + string.Join("\n", s_rows) + "\n");

        // Without a Factbook, country is '*'; with nforum_posts as a quasi-identifier, A/B/C's five learners with 0 posts
        // stay, ben (1 post), eve (2) and X/Y/Z's only learner are each alone and suppressed.
        ReleaseResult result = PersonCourseRelease.Write(input, dir.PathOf("release"),
            new ReleaseOptions { K = 2, Key = s_key, QuasiIdentifiers = ["country", "nforum_posts"], PublicDataDir = dir.PathOf("none") });
        Assert.Equal((5, 3), (result.RowsReleased, result.RowsSuppressed));
        Assert.All(ReportTestKit.ReadCsv(result.Csv).Rows, static r => Assert.Equal(("A/B/C", "*", "0"), (r[0], r[7], r[8])));
        Assert.Contains(result.Notes, static n => n.Contains("released as '*'", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => PersonCourseRelease.Write(input, dir.PathOf("release2"),
            new ReleaseOptions { K = 2, Key = s_key, QuasiIdentifiers = ["first_event"] }));
        Assert.False(Directory.Exists(dir.PathOf("release2")));
    }

    [Theory]
    [InlineData("Europe", "Europe")]
    [InlineData("Asia Europe", "Europe")]
    [InlineData("Southeast Asia", "Southeast Asia")]
    [InlineData("Antarctic Region Africa", "Africa")]
    [InlineData("metropolitan France: Europe French Guiana: South America Guadeloupe: Central America and the Caribbean", "Europe")]
    [InlineData("Political Map of the World", "OTHER")]
    internal void Region_FromMapReferences(string mapReferences, string expected) => Assert.Equal(expected, RegionMap.Region(mapReferences));
}
