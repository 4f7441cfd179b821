using System.Text;
using XAnalytics.Reports.Learners;
using XAnalytics.Reports.Reference;
using XAnalytics.Tests.Reports.Reference;

namespace XAnalytics.Tests.Reports.Learners;

/// <summary>The address a learner event keeps resolves to the country the address' text resolves to.</summary>
public sealed class LearnerEventTests
{
    [PublicDataFact]
    public void Address_KeptAsBytes_ResolvesAsItsText()
    {
        using GeoIpCountryResolver geoIp = GeoIpCountryResolver.Open(Path.Combine(PublicData.MaxMindDirectory, "GeoIP2-Country-Test.mmdb"));
        string[] addresses =
        [
            "81.2.69.142", "89.160.20.113", "216.160.83.56", "2001:218::", "2a02:cf40::", "::ffff:81.2.69.142", " 81.2.69.142 ",
            "081.2.69.142", "81.2.69", "81.2.69.142.1", "256.1.1.1", "0.0.0.0", "10.0.0.1", "fe80::1%eth0", "not an address", "-",
            new string('1', 70),
        ];
        var known = 0;
        foreach (string text in addresses)
        {
            var record = default(LearnerEvent);
            record.SetAddress(Encoding.UTF8.GetBytes(text));
            string expected = geoIp.ResolveUtf8(Encoding.UTF8.GetBytes(text));
            Assert.True(expected == record.Country(geoIp), $"'{text}': {record.Country(geoIp)}, not {expected}");
            known += expected == GeoIpCountryResolver.Unknown ? 0 : 1;
        }

        Assert.True(known >= 5, "the test addresses should mostly be in the test database");
    }
}
