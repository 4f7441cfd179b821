using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Packaging;

/// <summary>
/// A fact that packs and installs: skipped with <c>XANALYTICS_SKIP_PACKAGE_TESTS=1</c>, outside a checkout, or where
/// the Release build it packs from is missing (a Debug-only test run).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class PackageFactAttribute : FactAttribute
{
    public PackageFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("XANALYTICS_SKIP_PACKAGE_TESTS") is "1" or "true")
        {
            Skip = "Skipped: XANALYTICS_SKIP_PACKAGE_TESTS is set.";
        }
        else if (RepoPaths.Root is not { } root)
        {
            Skip = "Skipped: not run from a checkout (no XAnalytics.sln above the test binaries).";
        }
        else if (!File.Exists(Path.Combine(root, "src", "XAnalytics.Cli", "bin", "Release", "net10.0", "xanalytics.dll")))
        {
            Skip = "Skipped: no Release build to pack (dotnet build XAnalytics.sln -c Release first).";
        }
    }
}
