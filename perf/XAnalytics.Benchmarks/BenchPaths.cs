namespace XAnalytics.Benchmarks;

/// <summary>Where benchmark inputs and results live: under the temp folder, never in the repository.</summary>
internal static class BenchPaths
{
    /// <summary><c>$TMPDIR/xanalytics-bench</c>, or <c>XANALYTICS_BENCH_CACHE</c> when set.</summary>
    public static string CacheRoot { get; } =
        Environment.GetEnvironmentVariable("XANALYTICS_BENCH_CACHE") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Path.GetTempPath(), "xanalytics-bench");

    /// <summary>The repository root: the first folder above the program that holds XAnalytics.sln.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "XAnalytics.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
