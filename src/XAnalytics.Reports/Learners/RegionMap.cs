using System.Globalization;
using XAnalytics.Reports.Reference;

namespace XAnalytics.Reports.Learners;

/// <summary>
/// A country's region from the CIA World Factbook's <c>Map references</c> (Africa, Europe, Asia, Southeast Asia,
/// Middle East, Oceania, North America, South America, Central America and the Caribbean, Arctic Region, Antarctic
/// Region). A country listed under two (<c>Asia Europe</c>) takes the last; France's entry (<c>metropolitan France:
/// Europe French Guiana: ...</c>) takes the one after the first colon. A country the Factbook has no region for
/// (<c>Political Map of the World</c>: Cape Verde, Mauritius) or does not know is <see cref="Other"/>; GeoIP's
/// <c>UNKNOWN</c> stays <c>UNKNOWN</c>.
/// </summary>
internal sealed class RegionMap
{
    public const string Other = "OTHER";

    private static readonly string[] s_regions =
    [
        "Central America and the Caribbean", "Southeast Asia", "Middle East", "North America", "South America", "Arctic Region", "Antarctic Region",
        "Africa", "Europe", "Oceania", "Asia",
    ];

    private readonly Dictionary<string, string> _byIso = new(StringComparer.OrdinalIgnoreCase);

    private RegionMap()
    {
    }

    /// <summary>The map from the Factbook in <paramref name="publicDataDir"/>; null when the Factbook is not there.</summary>
    public static RegionMap? Load(string? publicDataDir)
    {
        if (publicDataDir is null || !File.Exists(Path.Combine(publicDataDir, CiaFactbook.FactbookFileName))
            || !File.Exists(Path.Combine(publicDataDir, CiaFactbook.LanguagesFileName)))
        {
            return null;
        }

        using CiaFactbook factbook = CiaFactbook.Load(publicDataDir);
        string? column = null;
        foreach (CiaField f in factbook.Fields)
        {
            column = f.Source == "Map references" ? f.Name : column;
        }

        if (column is null)
        {
            return null;
        }

        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (object?[] row in factbook.Query($"SELECT id, \"{column}\" FROM {CiaFactbook.TableName}").Rows)
        {
            byName[Convert.ToString(row[0], CultureInfo.InvariantCulture)!] = Region(Convert.ToString(row[1], CultureInfo.InvariantCulture) ?? string.Empty);
        }

        var map = new RegionMap();
        foreach (string iso in IsoCountries.Names.Keys)
        {
            if (factbook.FindCountryByIso(iso) is { } name && byName.TryGetValue(name, out string? region))
            {
                map._byIso[iso] = region;
            }
        }

        return map;
    }

    /// <summary>The region of an ISO 3166-1 alpha-2 code; <c>UNKNOWN</c> and empty stay as they are.</summary>
    public string RegionOf(string country)
        => country.Length == 0 || country == GeoIpCountryResolver.Unknown ? country : _byIso.GetValueOrDefault(country, Other);

    /// <summary>The region named in a <c>Map references</c> text (see the class).</summary>
    internal static string Region(string mapReferences)
    {
        int colon = mapReferences.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            string after = mapReferences[(colon + 1)..];
            return First(after) ?? Other;
        }

        string? last = null;
        int lastAt = -1;
        foreach (string region in s_regions)
        {
            int at = mapReferences.LastIndexOf(region, StringComparison.Ordinal);
            if (at > lastAt && !Inside(mapReferences, at, region))
            {
                last = region;
                lastAt = at;
            }
        }

        return last ?? Other;
    }

    private static string? First(string text)
    {
        string? first = null;
        int firstAt = int.MaxValue;
        foreach (string region in s_regions)
        {
            int at = text.IndexOf(region, StringComparison.Ordinal);
            if (at >= 0 && at < firstAt && !Inside(text, at, region))
            {
                first = region;
                firstAt = at;
            }
        }

        return first;
    }

    /// <summary>"Asia" inside "Southeast Asia": a longer region holds it, and wins.</summary>
    private static bool Inside(string text, int at, string region)
        => region == "Asia" && at >= 10 && text.AsSpan(at - 10, 10).SequenceEqual("Southeast ");
}
