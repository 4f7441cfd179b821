namespace XAnalytics.Tests.TestSupport;

/// <summary>
/// The real tracking logs in <c>../shared/corpus</c> beside the repository (found by walking up from the test
/// binaries to <c>XAnalytics.sln</c>), or null where that folder is missing.
/// </summary>
internal static class Corpus
{
    private static readonly Lazy<string?> s_directory = new(Find);

    public static string? Directory => s_directory.Value;

    public static IReadOnlyList<string> Files
    {
        get
        {
            string dir = Directory ?? throw new InvalidOperationException("The corpus is not present.");
            string[] files = System.IO.Directory.GetFiles(dir, "*.log");
            Array.Sort(files, StringComparer.Ordinal);
            return files;
        }
    }

    private static string? Find()
    {
        string? corpus = RepoPaths.Shared("corpus", "edx-analytics-pipeline");
        return corpus is not null && System.IO.Directory.GetFiles(corpus, "*.log").Length > 0 ? corpus : null;
    }
}
