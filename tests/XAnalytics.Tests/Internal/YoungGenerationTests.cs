using XAnalytics.Internal;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Internal;

/// <summary>
/// The check every batch read makes (<see cref="YoungGeneration.Check"/>): once its budget of garbage is allocated, the
/// young generation has been collected. The runtime alone does not do it on a machine reporting a large cache, as CI's
/// (an L3 of 260 MiB, so a gen0 budget of up to 200 MB): there this test fails without the check (3 collections for 8
/// budgets). Run alone (<see cref="RunAlone"/>): other tests' checks would move the process's count.
/// </summary>
[Collection(RunAlone.Name)]
public sealed class YoungGenerationTests
{
    private static byte[]? s_sink;

    /// <summary>Each budget allocated and checked: a collection each (the check's, or the runtime's if it came first).</summary>
    [Fact]
    public void Check_EveryBudgetAllocated_OneCollectionOrMoreEach()
    {
        YoungGeneration.Check();
        int before = GC.CollectionCount(0);
        for (int i = 0; i < 8; i++)
        {
            Allocate(YoungGeneration.BudgetBytes + (1 << 20));
            YoungGeneration.Check();
        }

        Assert.True(GC.CollectionCount(0) - before >= 8, $"{GC.CollectionCount(0) - before} collections for 8 budgets");
    }

    /// <summary>
    /// The AppContext data an embedding application sets: bytes as a number or its text (runtimeconfig.json gives
    /// text), 0 to turn the collections off, none for the default; anything else is an error naming the setting.
    /// </summary>
    [Fact]
    public void ReadBudget_SettingForms_BytesOrAnErrorNamingIt()
    {
        Assert.Equal((YoungGeneration.DefaultBudgetBytes, (string?)null), YoungGeneration.ReadBudget(null));
        Assert.Equal((8L << 20, (string?)null), YoungGeneration.ReadBudget("8388608"));
        Assert.Equal((0L, (string?)null), YoungGeneration.ReadBudget("0"));
        Assert.Equal((1024L, (string?)null), YoungGeneration.ReadBudget(1024));
        Assert.Equal((1024L, (string?)null), YoungGeneration.ReadBudget(1024L));
        foreach (object bad in new object[] { "16MiB", "-1", -1, 1.5, "" })
        {
            (long _, string? error) = YoungGeneration.ReadBudget(bad);
            Assert.NotNull(error);
            Assert.Contains(YoungGeneration.BudgetSetting, error, StringComparison.Ordinal);
        }
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
