using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary>A report table's time columns: edX's texts in the CSV, UTC timestamps in Parquet, and no silent guess.</summary>
public sealed class ReportTableTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TimeColumn_EdxTextForms_CsvKeepsTheTextParquetTheSameInstants()
    {
        string[] texts = ["2014-05-15T17:56:09Z", "2016-09-07 01:38:53.889275", "2014-05-15T19:03:19.487373+00:00", ""];
        foreach (ReportFormat format in new[] { ReportFormat.Csv, ReportFormat.Parquet })
        {
            using var table = new ReportTable(_dir.Root, "times", format, ReportTable.Text("n"), ReportTable.Time("at_time"));
            for (int i = 0; i < texts.Length; i++)
            {
                table.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Add(texts[i]).EndRow();
            }

            table.Complete();
        }

        Assert.Equal("n,at_time\n0,2014-05-15T17:56:09Z\n1,2016-09-07 01:38:53.889275\n2,2014-05-15T19:03:19.487373+00:00\n3,\n",
            File.ReadAllText(_dir.PathOf("times.csv")).ReplaceLineEndings("\n"));
        List<object?[]> rows = DuckDb.Rows($"SELECT epoch_us(at_time) FROM read_parquet('{DuckDb.Quote(_dir.PathOf("times.parquet"))}') ORDER BY n");
        Assert.Equal([1_400_176_569_000_000L, 1_473_212_333_889_275L, 1_400_180_599_487_373L, null], rows.Select(static r => (long?)r[0]));
    }

    [Fact]
    public void TimeColumn_TextThatIsNoTime_ErrorNamesTableAndColumn()
    {
        using var table = new ReportTable(_dir.Root, "times", ReportFormat.Parquet, ReportTable.Time("first_event"));

        var e = Assert.Throws<InvalidDataException>(() => table.Add("yesterday"));

        Assert.Contains("times.first_event", e.Message, StringComparison.Ordinal);
    }
}
