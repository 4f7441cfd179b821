using System.Text;
using XAnalytics.Reports.Reference;

namespace XAnalytics.Tests.Reports.Reference;

// Addresses come from GeoIP2-Country-Test.json (the records the test database was built from);
// IPv4 networks sit in its IPv6 tree as ::a.b.c.d/(96 + prefix), e.g.
//   ::81.2.69.142/127 -> country GB      ::89.160.20.112/124 -> SE      ::216.160.83.56/125 -> US
//   ::67.43.156.0/120 -> BT              ::175.16.199.0/120 -> CN        2001:218::/32 -> JP
//   2001:220::1/128 -> KR                214.1.1.0/24 -> no country at all
// 1.1.1.1 and 10.0.0.1 are in no record.
public sealed class GeoIpCountryResolverTests
{
    private static string CountryTestDb => Path.Combine(PublicData.MaxMindDirectory, "GeoIP2-Country-Test.mmdb");

    [PublicDataTheory]
    [InlineData("81.2.69.142", "GB")]
    [InlineData("81.2.69.143", "GB")]
    [InlineData("89.160.20.120", "SE")]
    [InlineData("216.160.83.60", "US")]
    [InlineData("67.43.156.1", "BT")]
    [InlineData("175.16.199.255", "CN")]
    [InlineData("2001:218::1", "JP")]
    [InlineData("2001:220::1", "KR")]
    [InlineData("::ffff:81.2.69.142", "GB")]
    [InlineData(" 81.2.69.142 ", "GB")]
    public void Resolve_AddressInDatabase_IsoCode(string ip, string expected)
    {
        using var resolver = GeoIpCountryResolver.Open(CountryTestDb);

        Assert.Equal(expected, resolver.Resolve(ip));
        Assert.Equal(expected, resolver.ResolveUtf8(Encoding.UTF8.GetBytes(ip)));
    }

    [PublicDataTheory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not an address")]
    [InlineData("300.1.2.3")]
    [InlineData("1.1.1.1")]
    [InlineData("10.0.0.1")]
    [InlineData("214.1.1.1")] // a record with neither country nor registered country
    [InlineData("2001:db8::1")]
    public void Resolve_BlankGarbageOrAbsent_Unknown(string? ip)
    {
        using var resolver = GeoIpCountryResolver.Open(CountryTestDb);

        Assert.Equal(GeoIpCountryResolver.Unknown, resolver.Resolve(ip));
    }

    [PublicDataFact]
    public void ResolveUtf8_TooLongOrInvalidUtf8_Unknown()
    {
        using var resolver = GeoIpCountryResolver.Open(CountryTestDb);

        Assert.Equal(GeoIpCountryResolver.Unknown, resolver.ResolveUtf8(Encoding.UTF8.GetBytes(new string('1', 200))));
        Assert.Equal(GeoIpCountryResolver.Unknown, resolver.ResolveUtf8([0xFF, 0xFE, 0x31]));
        Assert.Equal(GeoIpCountryResolver.Unknown, resolver.ResolveUtf8([]));
    }

    [PublicDataFact]
    public void Open_Directory_FirstCountryDatabase()
    {
        // GeoIP2-Country-Test.mmdb sorts before GeoLite2-Country-Test.mmdb; the City database does not match.
        using var resolver = GeoIpCountryResolver.Open(PublicData.MaxMindDirectory);

        Assert.Equal("GeoIP2-Country-Test.mmdb", Path.GetFileName(resolver.DatabasePath));
        Assert.Equal("GeoIP2-Country", resolver.DatabaseType);
        Assert.Equal("GB", resolver.Resolve("81.2.69.142"));
    }

    [PublicDataFact]
    public void Open_CityDatabase_Rejected() =>
        Assert.Throws<ArgumentException>(() => GeoIpCountryResolver.Open(Path.Combine(PublicData.MaxMindDirectory, "GeoIP2-City-Test.mmdb")));

    [Fact]
    public void Open_DirectoryWithoutDatabase_FileNotFound()
    {
        var dir = Directory.CreateTempSubdirectory("xanalytics-geoip-");
        try
        {
            var e = Assert.Throws<FileNotFoundException>(() => GeoIpCountryResolver.Open(dir.FullName));
            Assert.Contains("*Country*.mmdb", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [PublicDataFact]
    public void Resolve_ManyThreads_SameAnswers()
    {
        using var resolver = GeoIpCountryResolver.Open(CountryTestDb);
        string[] ips = ["81.2.69.142", "89.160.20.120", "2001:218::1", "1.1.1.1", "garbage"];
        string[] expected = ["GB", "SE", "JP", "UNKNOWN", "UNKNOWN"];
        var results = new string[64 * ips.Length];

        Parallel.For(0, results.Length, i => results[i] = resolver.Resolve(ips[i % ips.Length]));

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(expected[i % ips.Length], results[i]);
        }
    }

    [PublicDataFact]
    public void Resolve_SameCode_SameInstance()
    {
        using var resolver = GeoIpCountryResolver.Open(CountryTestDb);

        Assert.Same(resolver.Resolve("81.2.69.142"), resolver.Resolve("81.2.69.160"));
    }
}
