using XAnalytics.Reports.Reference;

namespace XAnalytics.Tests.Reports.Reference;

public sealed class CiaColumnNamesTests
{
    [Theory]
    [InlineData("GDP - per capita (PPP)", "GDP_per_capita_PPP")]
    [InlineData("HIV/AIDS - adult prevalence rate", "HIV_AIDS_adult_prevalence_rate")]
    [InlineData("Freshwater withdrawal (domestic/industrial/agricultural)", "Freshwater_withdrawal_domestic_industrial_agricultural")]
    [InlineData("  (leading and trailing)  ", "leading_and_trailing")]
    [InlineData("a__b", "a_b")]
    [InlineData("id", "id")]
    [InlineData("Côte", "C_te")]
    [InlineData("---", "column")]
    public void Clean_Header_CollapsesNonAlphanumerics(string header, string expected) =>
        Assert.Equal(expected, CiaColumnNames.Clean(header));

    [Fact]
    public void CleanUnique_Duplicates_SuffixedInHeaderOrder()
    {
        var names = CiaColumnNames.CleanUnique(["GDP (PPP)", "GDP - PPP", "gdp ppp", "GDP_PPP_2", "language list"], ["language_list"]);

        // "GDP_PPP_2" is taken by the second header before the fourth is reached, and SQLite
        // compares names case-insensitively, so "gdp_ppp" collides too.
        Assert.Equal(["GDP_PPP", "GDP_PPP_2", "gdp_ppp_3", "GDP_PPP_2_2", "language_list_2"], names);
    }
}
