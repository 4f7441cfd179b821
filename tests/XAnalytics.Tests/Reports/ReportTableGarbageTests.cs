using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary>A report table's writing and the process's young generation; alone, as it counts the process's collections.</summary>
[Collection(RunAlone.Name)]
public sealed class ReportTableGarbageTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// Writing a large table collects the garbage of its rows as it goes (<see cref="XAnalytics.Internal.YoungGeneration"/>,
    /// checked every 4,096 rows): a report's writing over 6M real-shape events peaked 40 MiB lower so (239 against 199
    /// MiB). Eight budgets of garbage, checked about every 22 MiB: a collection at each check (the runtime's alone made
    /// 2 on CI's host, which reports a large cache: this fails without the check).
    /// </summary>
    [Fact]
    public void EndRow_RowsMakingEightBudgetsOfGarbage_YoungGenerationCollectedAsTheyAreWritten()
    {
        int rows = 0;
        using (var table = new ReportTable(_dir.Root, "garbage", ReportFormat.Csv, ReportTable.Text("text")))
        {
            XAnalytics.Internal.YoungGeneration.Check();
            int before = GC.CollectionCount(0);
            long start = GC.GetTotalAllocatedBytes(precise: true);
            while (GC.GetTotalAllocatedBytes(precise: true) - start < (8 * XAnalytics.Internal.YoungGeneration.BudgetBytes) + (1 << 20) || rows % 4096 != 0)
            {
                table.Add(new string('x', 2000) + rows.ToString(System.Globalization.CultureInfo.InvariantCulture)).EndRow();
                rows++;
            }

            Assert.True(GC.CollectionCount(0) - before >= 5, $"{GC.CollectionCount(0) - before} collections over {rows:N0} rows");
            table.Complete();
        }

        Assert.Equal(rows + 1, File.ReadLines(_dir.PathOf("garbage.csv")).Count());
    }
}
