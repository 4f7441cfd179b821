namespace XAnalytics.Tests.Sources;

/// <summary>
/// Finds the shared corpus of real tracking logs (<c>../shared/corpus/edx-analytics-pipeline</c> beside the folder
/// holding <c>XAnalytics.sln</c>), or says why it cannot.
/// </summary>
internal static class SharedCorpus
{
    private static readonly Lazy<string?> s_directory = new(Locate);

    /// <summary>The corpus folder, or null when it is absent.</summary>
    public static string? Directory => s_directory.Value;

    public static string SkipReason => "Skipped: ../shared/corpus/edx-analytics-pipeline (next to the folder holding XAnalytics.sln) was not found.";

    private static string? Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "XAnalytics.sln")))
            {
                string candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "corpus", "edx-analytics-pipeline"));
                return System.IO.Directory.Exists(candidate) ? candidate : null;
            }
        }

        return null;
    }
}

/// <summary>A fact reported as skipped, with the reason, when the shared corpus is absent.</summary>
internal sealed class SharedCorpusFactAttribute : FactAttribute
{
    public SharedCorpusFactAttribute()
    {
        if (SharedCorpus.Directory is null)
        {
            Skip = SharedCorpus.SkipReason;
        }
    }
}
