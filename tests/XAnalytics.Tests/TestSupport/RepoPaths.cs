namespace XAnalytics.Tests.TestSupport;

/// <summary>
/// Where the repository is (the folder holding <c>XAnalytics.sln</c>, found by walking up from the test
/// binaries) and the <c>../shared</c> folders beside it, which tests read in place and never copy.
/// </summary>
internal static class RepoPaths
{
    private static readonly Lazy<string?> s_root = new(() =>
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "XAnalytics.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    });

    /// <summary>The repository root, or null when the tests run outside a checkout.</summary>
    public static string? Root => s_root.Value;

    /// <summary>A folder under <c>../shared</c> beside the repository, or null when it is absent.</summary>
    public static string? Shared(params string[] parts)
    {
        if (Root is null)
        {
            return null;
        }

        string path = Path.GetFullPath(Path.Combine([Root, "..", "shared", .. parts]));
        return Directory.Exists(path) ? path : null;
    }
}
