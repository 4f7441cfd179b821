using XAnalytics.Sources;

namespace XAnalytics.Tests.Sources;

/// <summary>
/// The same gzip checks with Intel ISA-L inflating, where <c>libisal2</c> is installed (<c>.ci/run</c> installs it
/// where it can); elsewhere they run on zlib-ng again and <see cref="IsalInflater_IsLoadedAndPassedItsSelfTest"/> is skipped.
/// </summary>
public sealed class GzipMemberStreamIsalTests : GzipMemberStreamTests
{
    protected override bool UseIsal => IsalInflater.IsAvailable;

    [IsalFact]
    public void IsalInflater_IsLoadedAndPassedItsSelfTest()
    {
        using IsalInflater? inflater = IsalInflater.TryCreate();

        Assert.NotNull(inflater);
        Assert.Equal("isa-l", IsalInflater.Name);
    }

    /// <summary>A fact that runs only where ISA-L is loaded, and says why it is skipped elsewhere.</summary>
    private sealed class IsalFactAttribute : FactAttribute
    {
        public IsalFactAttribute()
        {
            if (!IsalInflater.IsAvailable)
            {
                Skip = "ISA-L (Debian package libisal2) is not installed, or XANALYTICS_INFLATER=zlib is set";
            }
        }
    }
}
