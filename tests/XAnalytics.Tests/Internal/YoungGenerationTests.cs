using XAnalytics.Internal;

namespace XAnalytics.Tests.Internal;

/// <summary>
/// The check every batch read makes (<see cref="YoungGeneration.Check"/>): once its budget of garbage is allocated, the
/// young generation has been collected. The runtime alone does not do it on a machine reporting a large cache, as CI's
/// (an L3 of 260 MiB, so a gen0 budget of up to 200 MB): there this test fails without the check.
/// </summary>
public sealed class YoungGenerationTests
{
    private static byte[]? s_sink;

    [Fact]
    public void Check_EveryBudgetAllocated_OneCollectionOrMoreEach()
    {
        YoungGeneration.Check();
        int before = GC.CollectionCount(0);
        for (int i = 0; i < 4; i++)
        {
            Allocate(YoungGeneration.BudgetBytes + (1 << 20));
            YoungGeneration.Check();
        }

        Assert.True(GC.CollectionCount(0) - before >= 4, $"{GC.CollectionCount(0) - before} collections for 4 budgets");
    }

    /// <summary>Short-lived arrays under the large-object threshold (gen0's), <paramref name="bytes"/> of them.</summary>
    private static void Allocate(long bytes)
    {
        long start = GC.GetTotalAllocatedBytes(precise: true);
        while (GC.GetTotalAllocatedBytes(precise: true) - start < bytes)
        {
            s_sink = new byte[64 * 1024];
        }

        GC.KeepAlive(s_sink);
    }
}
