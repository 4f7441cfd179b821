namespace XAnalytics.Tests.Reports.Reference;

/// <summary>
/// Finds the shared public data (<c>../shared/public-data</c> beside the repository root, the
/// folder holding <c>XAnalytics.sln</c>), or reports why it cannot.
/// </summary>
internal static class PublicData
{
    private static readonly Lazy<string?> s_directory = new(Locate);

    /// <summary>The public data directory, or null when it is absent.</summary>
    public static string? Directory => s_directory.Value;

    /// <summary>The MaxMind test databases folder.</summary>
    public static string MaxMindDirectory => Path.Combine(Directory ?? throw new InvalidOperationException(SkipReason), "maxmind-test");

    public static string SkipReason => "Skipped: ../shared/public-data (next to the folder holding XAnalytics.sln) was not found.";

    private static string? Locate() => XAnalytics.Tests.TestSupport.RepoPaths.Shared("public-data");
}

/// <summary>A fact that is reported as skipped, with the reason, when the public data is absent.</summary>
internal sealed class PublicDataFactAttribute : FactAttribute
{
    public PublicDataFactAttribute()
    {
        if (PublicData.Directory is null)
        {
            Skip = PublicData.SkipReason;
        }
    }
}

/// <summary>A theory that is reported as skipped, with the reason, when the public data is absent.</summary>
internal sealed class PublicDataTheoryAttribute : TheoryAttribute
{
    public PublicDataTheoryAttribute()
    {
        if (PublicData.Directory is null)
        {
            Skip = PublicData.SkipReason;
        }
    }
}
