namespace XAnalytics.Internal;

/// <summary>
/// Keeps a streaming run's short-lived garbage from piling up: once <see cref="BudgetBytes"/> have been allocated
/// since the last collection of the young generation, the next batch read collects it (gen0 and gen1: a count over
/// 16M events peaked the same collecting gen0 only, 94 against 95 MiB).
/// </summary>
/// <remarks>
/// The runtime sizes the young generation's budget from the processor's last-level cache, up to 200 MB for the
/// workstation collector, and virtual machines report large caches: our CI host reports an L3 of 260 MiB. There a count
/// by event_type over 16M generated events allocated 58 MiB in all and was never collected after start-up, so its
/// peak grew with the archive, from 77 MiB at 1M events to 117 MiB (and every report section with it). The budget
/// can only be set by an environment variable (<c>DOTNET_GCgen0size</c>, which has no runtimeconfig.json name), not
/// by the tool itself, hence this check, called once per batch read (a few thousand events): it reads two counters.
/// The collections are the whole process's: an application embedding the engine that does not want them sets the
/// AppContext data <c>XAnalytics.YoungGenerationBudget</c> (bytes; 0 turns the check off) in its runtimeconfig.json
/// (<c>RuntimeHostConfigurationOption</c>) or before the first run.
/// </remarks>
internal static class YoungGeneration
{
    /// <summary>The AppContext data that sets <see cref="BudgetBytes"/>.</summary>
    internal const string BudgetSetting = "XAnalytics.YoungGenerationBudget";

    /// <summary>What may be allocated between two collections of the young generation by default: about the budget a machine with a 20 MiB cache gets anyway.</summary>
    internal const long DefaultBudgetBytes = 16L << 20;

    private static readonly (long Budget, string? Error) s_setting = ReadBudget(AppContext.GetData(BudgetSetting));

    /// <summary>What may be allocated between two collections of the young generation (<see cref="BudgetSetting"/>, else <see cref="DefaultBudgetBytes"/>); 0: never collected here.</summary>
    /// <exception cref="InvalidOperationException">The setting is not a number of bytes: said at the first batch, not ignored.</exception>
    internal static long BudgetBytes => s_setting.Error is null ? s_setting.Budget : throw new InvalidOperationException(s_setting.Error);

    private static long s_allocatedAtLast;
    private static int s_collectionsAtLast = -1;

    /// <summary>Collects the young generation when <see cref="BudgetBytes"/> were allocated since it was last collected (by the runtime or by this check).</summary>
    public static void Check()
    {
        if (BudgetBytes <= 0)
        {
            return;
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: false);
        int collections = GC.CollectionCount(0);
        long last = Volatile.Read(ref s_allocatedAtLast);
        if (collections != Volatile.Read(ref s_collectionsAtLast))
        {
            // The runtime collected since (or this is the first check): count from here.
            Volatile.Write(ref s_collectionsAtLast, collections);
            Interlocked.CompareExchange(ref s_allocatedAtLast, allocated, last);
            return;
        }

        // One thread of those that see the budget spent collects; the others go on.
        if (allocated - last < BudgetBytes || Interlocked.CompareExchange(ref s_allocatedAtLast, allocated, last) != last)
        {
            return;
        }

        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        Volatile.Write(ref s_collectionsAtLast, GC.CollectionCount(0));
    }

    /// <summary>The budget an AppContext value gives (a number of bytes, as an integer or its text; none: the default), or why it gives none.</summary>
    internal static (long Budget, string? Error) ReadBudget(object? value) => value switch
    {
        null => (DefaultBudgetBytes, null),
        long n and >= 0 => (n, null),
        int n and >= 0 => (n, null),
        string text when long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n) => (n, null),
        _ => (0, $"The AppContext data {BudgetSetting} is '{value}': give a number of bytes, 0 or more (0 turns the collections off)."),
    };
}
