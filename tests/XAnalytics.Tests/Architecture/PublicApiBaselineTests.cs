using System.Reflection;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Architecture;

/// <summary>
/// The public API baseline: every library package's project has PublicAPI.Shipped.txt and PublicAPI.Unshipped.txt,
/// and every public type of its assembly is listed there. The analyzer fails the build on any member missing; this
/// holds the baseline even if the analyzer were switched off.
/// </summary>
public sealed class PublicApiBaselineTests
{
    public static TheoryData<string, string> Libraries => new()
    {
        { "XAnalytics", typeof(EventPipeline).Assembly.Location },
        { "XAnalytics.Parquet", typeof(XAnalytics.Parquet.ParquetTableWriter).Assembly.Location },
        { "XAnalytics.S3", typeof(XAnalytics.S3.S3InputStore).Assembly.Location },
        { "XAnalytics.Reports", typeof(XAnalytics.Reports.ReportWriter).Assembly.Location },
        { "XAnalytics.Generation", typeof(XAnalytics.Generation.ArchiveGenerator).Assembly.Location },
    };

    [Theory]
    [MemberData(nameof(Libraries))]
    public void EveryPublicType_IsInTheBaseline(string project, string assemblyPath)
    {
        string dir = Path.Combine(RepoPaths.Root ?? throw new InvalidOperationException("not in a checkout"), "src", project);
        string shipped = Path.Combine(dir, "PublicAPI.Shipped.txt");
        string unshipped = Path.Combine(dir, "PublicAPI.Unshipped.txt");
        Assert.True(File.Exists(shipped) && File.Exists(unshipped), $"{project} has no PublicAPI.Shipped.txt/PublicAPI.Unshipped.txt");
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(shipped).Concat(File.ReadLines(unshipped)))
        {
            listed.Add(line);
        }

        Assert.Contains("#nullable enable", listed);
        var missing = new List<string>();
        foreach (Type type in Assembly.LoadFrom(assemblyPath).GetExportedTypes())
        {
            if (type.IsNested)
            {
                continue;
            }

            if (!IsListed(listed, type))
            {
                missing.Add(type.FullName!);
            }
        }

        Assert.True(missing.Count == 0, $"{project}: public types missing from the baseline (run .ci/update-public-api and review): {string.Join(", ", missing)}");
    }

    [Fact]
    public void IsListed_TypeOrItsMembers_NotAPrefixOfAnotherType()
    {
        HashSet<string> listed = ["XAnalytics.Parquet.ParquetColumnType", "XAnalytics.Parquet.ParquetColumnType.Text = 0 -> XAnalytics.Parquet.ParquetColumnType"];

        Assert.True(IsListed(listed, typeof(XAnalytics.Parquet.ParquetColumnType)));
        Assert.False(IsListed(listed, typeof(XAnalytics.Parquet.ParquetColumn)));
        Assert.True(IsListed(["abstract XAnalytics.Pipeline.IEventAggregate<TPartial>.Merge() -> void"], typeof(XAnalytics.Pipeline.IEventAggregate<>)));
    }

    /// <summary>
    /// Whether the baseline lists the type: a line that is its full name (generic parameters as <c>&lt;T&gt;</c>), with
    /// modifiers before it, or one of its members (the name and a dot).
    /// </summary>
    private static bool IsListed(HashSet<string> listed, Type type)
    {
        string name = type.IsGenericType ? type.FullName![..type.FullName!.IndexOf('`', StringComparison.Ordinal)] + "<" : type.FullName!;
        foreach (string line in listed)
        {
            int at = line.IndexOf(name, StringComparison.Ordinal);
            while (at >= 0)
            {
                bool starts = at == 0 || line[at - 1] == ' ';
                int end = at + name.Length;
                bool ends = type.IsGenericType || end == line.Length || line[end] is '.' or ' ';
                if (starts && ends)
                {
                    return true;
                }

                at = line.IndexOf(name, at + 1, StringComparison.Ordinal);
            }
        }

        return false;
    }
}
