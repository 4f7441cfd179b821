namespace XAnalytics.Reports;

/// <summary>One row of <c>countries.csv</c>.</summary>
/// <param name="CourseId">Canonical course id (empty in <see cref="CountriesReport.Overall"/>).</param>
/// <param name="Country">ISO 3166-1 alpha-2 code, or <c>UNKNOWN</c>.</param>
/// <param name="CountryName">The Factbook's name for it; null when not in the Factbook (or no Factbook).</param>
/// <param name="Learners">Distinct learners.</param>
/// <param name="GdpPerCapita">Factbook GDP per capita (PPP, US$); null when unknown.</param>
/// <param name="Languages">Factbook languages; null when unknown.</param>
/// <param name="InternetUsers">Factbook internet users; null when unknown.</param>
public sealed record CountryRow(string CourseId, string Country, string? CountryName, long Learners, double? GdpPerCapita, string? Languages, long? InternetUsers);
