using System.Reflection;
using XAnalytics.Generation;
using XAnalytics.Reports;

namespace XAnalytics.Tests.Architecture;

/// <summary>An embedder who only counts events gets the engine and its few dependencies, nothing of the reports, Parquet or S3.</summary>
public sealed class DependencyTests
{
    [Fact]
    public void Engine_ReferencesNoReportOrGeneratorAssembly()
    {
        string[] referenced = [.. typeof(EventPipeline).Assembly.GetReferencedAssemblies().Select(static a => a.Name!)];

        Assert.Contains("System.Threading.Tasks.Dataflow", referenced);
        foreach (string name in referenced)
        {
            Assert.False(
                name.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal) || name.StartsWith("MaxMind", StringComparison.Ordinal)
                || name.StartsWith("ScottPlot", StringComparison.Ordinal) || name.StartsWith("SkiaSharp", StringComparison.Ordinal)
                || name.StartsWith("AWSSDK", StringComparison.Ordinal) || name.StartsWith("Parquet", StringComparison.Ordinal)
                || name is "Sep" or "XAnalytics.Reports" or "XAnalytics.Generation" or "XAnalytics.Parquet" or "XAnalytics.S3",
                $"the engine references {name}");
        }
    }

    [Fact]
    public void SiblingAssemblies_BuildOnTheEngine()
    {
        Assembly engine = typeof(EventPipeline).Assembly;

        Assert.Contains(typeof(LearnerReports).Assembly.GetReferencedAssemblies(), a => a.Name == engine.GetName().Name);
        Assert.Contains(typeof(ArchiveGenerator).Assembly.GetReferencedAssemblies(), a => a.Name == engine.GetName().Name);
        Assert.Equal("XAnalytics.Reports", typeof(LearnerReports).Assembly.GetName().Name);
        Assert.Equal("XAnalytics.Generation", typeof(ArchiveGenerator).Assembly.GetName().Name);
    }
}
