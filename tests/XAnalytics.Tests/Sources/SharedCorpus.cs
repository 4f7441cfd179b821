namespace XAnalytics.Tests.Sources;

/// <summary>
/// Finds the shared corpus of real tracking logs (<c>../shared/corpus/edx-analytics-pipeline</c> beside the folder
/// holding <c>XAnalytics.sln</c>), or says why it cannot.
/// </summary>
internal static class SharedCorpus
{
    /// <summary>The corpus folder, or null when it is absent.</summary>
    public static string? Directory => XAnalytics.Tests.TestSupport.Corpus.Directory;

    public static string SkipReason => "Skipped: ../shared/corpus/edx-analytics-pipeline (next to the folder holding XAnalytics.sln) was not found.";

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
