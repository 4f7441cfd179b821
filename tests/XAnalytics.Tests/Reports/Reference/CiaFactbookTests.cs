using Microsoft.Data.Sqlite;
using XAnalytics.Reports.Reference;

namespace XAnalytics.Tests.Reports.Reference;

/// <summary>Loads the real Factbook once for the class; lazily, so a skipped run never touches the files.</summary>
public sealed class CiaFactbookFixture : IDisposable
{
    private readonly Lazy<CiaFactbook> _factbook = new(() => CiaFactbook.Load(PublicData.Directory!));

    public CiaFactbook Factbook => _factbook.Value;

    public void Dispose()
    {
        if (_factbook.IsValueCreated)
        {
            _factbook.Value.Dispose();
        }
    }
}

// Expected values below were read from the CSV itself, not through this code: with Python's
// csv module (csv.reader over cia-data-all.csv, row[header.index(...)]) and grep, on the 2009
// file in ../shared/public-data.
public sealed class CiaFactbookTests(CiaFactbookFixture fixture) : IClassFixture<CiaFactbookFixture>
{
    private CiaFactbook Factbook => fixture.Factbook;

    [PublicDataFact]
    public void Load_Headers_CleanedColumnNames()
    {
        var names = Factbook.Fields.Select(f => f.Name).ToList();

        Assert.Equal(231, names.Count); // 230 headers + language_list
        Assert.Equal("id", names[0]);
        Assert.Equal("language_list", names[^1]);
        Assert.Contains("GDP_per_capita_PPP", names);
        Assert.Contains("HIV_AIDS_adult_prevalence_rate", names);
        Assert.Contains("Freshwater_withdrawal_domestic_industrial_agricultural_details", names);
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(names, n => Assert.Matches("^[A-Za-z0-9]+(_[A-Za-z0-9]+)*$", n));
        Assert.Equal("GDP - per capita (PPP)", Factbook.Fields.Single(f => f.Name == "GDP_per_capita_PPP").Source);
    }

    [PublicDataTheory]
    [InlineData("GDP_per_capita_PPP", SqliteType.Integer)] // "$ 39 300"
    [InlineData("Current_account_balance", SqliteType.Integer)] // "$ -68 000 000" among them
    [InlineData("Population", SqliteType.Integer)]
    [InlineData("Television_broadcast_stations", SqliteType.Integer)] // "148.0": whole numbers
    [InlineData("Land_use_details", SqliteType.Integer)] // years, and one "NA" (Montenegro)
    [InlineData("Infant_mortality_rate", SqliteType.Real)]
    [InlineData("Net_migration_rate", SqliteType.Real)] // negative rates
    [InlineData("Coastline", SqliteType.Real)]
    [InlineData("Labor_force_details", SqliteType.Text)] // "2007" next to "2008 est."
    [InlineData("Telephones_main_lines_in_use_details", SqliteType.Text)] // one "2002 est." among years
    [InlineData("Public_debt", SqliteType.Text)] // no values at all
    [InlineData("Capital", SqliteType.Text)]
    public void Load_Column_Typed(string column, SqliteType expected) =>
        Assert.Equal(expected, Factbook.Fields.Single(f => f.Name == column).Type);

    [PublicDataFact]
    public void Query_TypedCells_StoredAsIntegerRealAndNull()
    {
        // Canada: "$ 39 300", "5.04", "$ 7 610 000 000"; Sao Tome and Principe: "-1.81",
        // "$ -68 000 000"; Japan: empty Net migration rate; Montenegro: Land use details "NA".
        var result = Factbook.Query(
            "SELECT id, GDP_per_capita_PPP, Infant_mortality_rate, Current_account_balance, Net_migration_rate, Land_use_details, Public_debt " +
            "FROM cia WHERE id IN ('Canada', 'Sao Tome and Principe', 'Japan', 'Montenegro') ORDER BY id");

        var rows = result.Rows.ToDictionary(r => (string)r[0]!);
        Assert.Equal(39300L, rows["Canada"][1]);
        Assert.Equal(5.04, rows["Canada"][2]);
        Assert.Equal(7610000000L, rows["Canada"][3]);
        Assert.Equal(-68000000L, rows["Sao Tome and Principe"][3]);
        Assert.Equal(-1.81, rows["Sao Tome and Principe"][4]);
        Assert.Null(rows["Japan"][4]);
        Assert.Null(rows["Montenegro"][5]);
        Assert.Equal(2005L, rows["Canada"][5]);
        Assert.All(result.Rows, r => Assert.Null(r[6]));
    }

    [PublicDataFact]
    public void Query_SqliteTypeOf_MatchesDeclaredType()
    {
        var result = Factbook.Query(
            "SELECT DISTINCT typeof(GDP_per_capita_PPP), typeof(Infant_mortality_rate) FROM cia " +
            "WHERE GDP_per_capita_PPP IS NOT NULL AND Infant_mortality_rate IS NOT NULL");

        var row = Assert.Single(result.Rows);
        Assert.Equal(["integer", "real"], row);
    }

    [PublicDataFact]
    public void Load_NonNations_Excluded()
    {
        // 261 data rows in the file; 23 are not nations (see CiaRowFilter).
        Assert.Equal(238, Factbook.Countries.Count);
        string[] excluded =
        [
            "World", "European Union", "Antarctica", "Atlantic Ocean", "Pacific Ocean", "Indian Ocean",
            "Arctic Ocean", "Southern Ocean", "Spratly Islands", "Coral Sea Islands", "Bouvet Island",
            "Wake Island", "Jan Mayen", "British Indian Ocean Territory", "United States Pacific Island Wildlife Refuges",
        ];
        Assert.All(excluded, name => Assert.DoesNotContain(name, Factbook.Countries));
        Assert.DoesNotContain(Factbook.Countries, c => c.Contains("Ocean", StringComparison.Ordinal) && c != "British Indian Ocean Territory");
        Assert.DoesNotContain(Factbook.Countries, c => c.StartsWith("Error", StringComparison.Ordinal));
        Assert.Equal(0L, Factbook.Query("SELECT count(*) FROM cia WHERE id LIKE '%Ocean%' OR id LIKE 'Error%' OR id = 'Antarctica'").Rows[0][0]);
    }

    [PublicDataFact]
    public void Load_InhabitedEdgeCases_Kept()
    {
        // Guam has a capital but no population figure; the rest have people but no capital cell.
        Assert.All(["Guam", "West Bank", "Gaza Strip", "Hong Kong", "Macau", "Pitcairn Islands", "Canada"], name => Assert.Contains(name, Factbook.Countries));
    }

    [PublicDataFact]
    public void Query_RichestByGdpPerCapita_Liechtenstein()
    {
        // Python: sorted the 229 non-empty "GDP - per capita (PPP)" cells with "$" and spaces
        // removed: Liechtenstein 118000, Qatar 103500, Luxembourg 81100; nine rows are at or
        // above 50000 and none of them is excluded.
        var top = Factbook.Query("SELECT id, GDP_per_capita_PPP FROM cia ORDER BY GDP_per_capita_PPP DESC LIMIT 3");
        Assert.Equal(["id", "GDP_per_capita_PPP"], top.Columns);
        Assert.Equal(["Liechtenstein", 118000L], top.Rows[0]);
        Assert.Equal(["Qatar", 103500L], top.Rows[1]);
        Assert.Equal(["Luxembourg", 81100L], top.Rows[2]);
        Assert.Equal(9L, Factbook.Query("SELECT count(*) FROM cia WHERE GDP_per_capita_PPP >= 50000").Rows[0][0]);
    }

    [PublicDataFact]
    public void Query_LanguageList_FromLanguagesFile()
    {
        // languages.csv line: Akrotiri<TAB>English, Greek. Kazakhstan's line is quoted with "" inside.
        Assert.Equal("English, Greek", Factbook.Query("SELECT language_list FROM cia WHERE id = 'Akrotiri'").Rows[0][0]);
        var kazakh = (string)Factbook.Query("SELECT language_list FROM cia WHERE id = 'Kazakhstan'").Rows[0][0]!;
        Assert.StartsWith("Kazakh (official, Qazaq) 64.4%", kazakh, StringComparison.Ordinal);
        Assert.Contains("\"language of interethnic communication\"", kazakh, StringComparison.Ordinal);
    }

    [PublicDataTheory]
    [InlineData("US", "United States")]
    [InlineData("gb", "United Kingdom")]
    [InlineData("KR", "Korea South")]
    [InlineData("KP", "Korea North")]
    [InlineData("CD", "Congo Democratic Republic of the")]
    [InlineData("CG", "Congo Republic of the")]
    [InlineData("MM", "Burma")]
    [InlineData("CI", "Cote d'Ivoire")]
    [InlineData("JO", "Jordan")]
    [InlineData("ST", "Sao Tome and Principe")]
    [InlineData("TL", "Timor-Leste")]
    [InlineData("CC", "Cocos (Keeling) Islands")]
    [InlineData("CW", "Netherlands Antilles")]
    [InlineData("XK", "Kosovo")]
    public void FindCountryByIso_KnownCode_FactbookRow(string iso2, string expected) =>
        Assert.Equal(expected, Factbook.FindCountryByIso(iso2));

    [PublicDataTheory]
    [InlineData("PS")] // split into West Bank and Gaza Strip
    [InlineData("AQ")] // Antarctica, excluded
    [InlineData("UNKNOWN")]
    [InlineData("ZZ")]
    [InlineData("")]
    [InlineData(null)]
    public void FindCountryByIso_NoRow_Null(string? iso2) =>
        Assert.Null(Factbook.FindCountryByIso(iso2));

    [PublicDataFact]
    public void Query_IsoTable_JoinsEveryRowButFour()
    {
        var result = Factbook.Query("SELECT id FROM cia WHERE id NOT IN (SELECT id FROM cia_iso) ORDER BY id");
        Assert.Equal(["Akrotiri", "Dhekelia", "Gaza Strip", "West Bank"], result.Rows.Select(r => (string)r[0]!));
        Assert.Equal("Japan", Factbook.Query("SELECT c.id FROM cia c JOIN cia_iso i USING (id) WHERE i.iso2 = 'jp'").Rows[0][0]);
    }

    [PublicDataFact]
    public void Load_MissingLanguagesFile_ErrorNamesIt()
    {
        var dir = Directory.CreateTempSubdirectory("xanalytics-cia-");
        try
        {
            File.Copy(Path.Combine(PublicData.Directory!, CiaFactbook.FactbookFileName), Path.Combine(dir.FullName, CiaFactbook.FactbookFileName));
            var e = Assert.Throws<FileNotFoundException>(() => CiaFactbook.Load(dir.FullName));
            Assert.Contains("languages.csv", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

public sealed class CiaFactbookLoadTests
{
    [Fact]
    public void Load_MissingFactbook_ErrorNamesIt()
    {
        var dir = Directory.CreateTempSubdirectory("xanalytics-cia-");
        try
        {
            var e = Assert.Throws<FileNotFoundException>(() => CiaFactbook.Load(dir.FullName));
            Assert.Contains("cia-data-all.csv", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Load_MissingDirectory_Throws() =>
        Assert.Throws<DirectoryNotFoundException>(() => CiaFactbook.Load(Path.Combine(Path.GetTempPath(), "xanalytics-no-such-dir-" + Guid.NewGuid().ToString("N"))));

    [Fact]
    public void Load_SmallFile_QuotedFieldsDuplicatesAndRules()
    {
        // A hand-made file: a quoted cell with a comma, a newline and a doubled quote; headers
        // that clean to the same name; a REAL column; an ocean and an uninhabited row.
        var dir = Directory.CreateTempSubdirectory("xanalytics-cia-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, CiaFactbook.FactbookFileName),
                "id,Population,Capital,GDP (PPP),GDP - PPP,Note\r\n" +
                "Alpha,\"1,000\",A City,$ 1 000,1.5,\"x, \"\"quoted\"\"\nsecond line\"\r\n" +
                "Beta,,B City,NA,2,plain\r\n" +
                "Atlantic Ocean,,,,,\r\n" +
                "Empty Reef,,,,,reef\r\n");
            File.WriteAllText(Path.Combine(dir.FullName, CiaFactbook.LanguagesFileName), "Alpha\t\"Alphan, \"\"A\"\"\"\r\nBeta\tBetan");

            using var factbook = CiaFactbook.Load(dir.FullName);

            Assert.Equal(["Alpha", "Beta"], factbook.Countries);
            Assert.Equal(
                [("id", SqliteType.Text), ("Population", SqliteType.Integer), ("Capital", SqliteType.Text), ("GDP_PPP", SqliteType.Integer),
                 ("GDP_PPP_2", SqliteType.Real), ("Note", SqliteType.Text), ("language_list", SqliteType.Text)],
                factbook.Fields.Select(f => (f.Name, f.Type)));
            var rows = factbook.Query("SELECT * FROM cia ORDER BY id").Rows;
            Assert.Equal(["Alpha", 1000L, "A City", 1000L, 1.5, "x, \"quoted\"\nsecond line", "Alphan, \"A\""], rows[0]);
            Assert.Equal(["Beta", null, "B City", null, 2.0, "plain", "Betan"], rows[1]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
