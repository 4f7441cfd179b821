namespace XAnalytics.Reports.Reference;

/// <summary>
/// Decides which Factbook rows are nations (countries, dependencies, territories with
/// people) and which are not. The 2009 file has 261 rows; 23 go:
/// <list type="bullet">
/// <item>by name, <see cref="ExcludedNames"/>: the aggregates <c>World</c> and
/// <c>European Union</c>, the five oceans, and <c>Antarctica</c>;</item>
/// <item>by rule, rows with neither a <c>Population</c> nor a <c>Capital</c>: the places
/// without permanent inhabitants or a seat of government (reefs, atolls, wildlife refuges,
/// sub-Antarctic islands, military-only territories such as Wake Island or the British
/// Indian Ocean Territory) and the file's own error rows ("Error in running event chain",
/// whose every other cell is empty). Guam (no population figure but a capital) and
/// the West Bank, Gaza Strip, Hong Kong and Macau (population but no capital) stay.</item>
/// <item>rows with an empty name, and rows whose name starts with <c>Error </c> (the error
/// rows again, should a later file fill their cells).</item>
/// </list>
/// </summary>
internal static class CiaRowFilter
{
    /// <summary>Rows left out by name: aggregates, oceans, and Antarctica.</summary>
    public static readonly IReadOnlyCollection<string> ExcludedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "World",
        "European Union",
        "Antarctica",
        "Arctic Ocean",
        "Atlantic Ocean",
        "Indian Ocean",
        "Pacific Ocean",
        "Southern Ocean",
    };

    /// <summary>Whether a row stays. The column indexes are -1 when the file lacks that column (then that half of the rule is off).</summary>
    public static bool IsNation(string[] row, int populationColumn, int capitalColumn)
    {
        var name = row[0].Trim();
        if (name.Length == 0 || ExcludedNames.Contains(name) || name.StartsWith("Error ", StringComparison.Ordinal))
        {
            return false;
        }

        if (populationColumn < 0 || capitalColumn < 0)
        {
            return true;
        }

        return !string.IsNullOrWhiteSpace(row[populationColumn]) || !string.IsNullOrWhiteSpace(row[capitalColumn]);
    }
}
