namespace XAnalytics.Tests.TestSupport;

/// <summary>
/// Tests that must not share the process with others running at once: they count the process's garbage collections
/// (<c>YoungGeneration</c>'s budget is the process's, and other tests' checks and collections move it). xUnit runs
/// this collection after the parallel ones, alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunAlone
{
    public const string Name = "Alone: counts the process's collections";
}
