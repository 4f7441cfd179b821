namespace XAnalytics.Tests.Sources;

/// <summary>The gzip checks with the runtime's zlib-ng inflating (where ISA-L is absent, and with XANALYTICS_INFLATER=zlib).</summary>
public sealed class GzipMemberStreamZlibTests : GzipMemberStreamTests
{
    protected override bool UseIsal => false;
}
