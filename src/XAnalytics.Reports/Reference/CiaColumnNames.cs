using System.Text;

namespace XAnalytics.Reports.Reference;

/// <summary>Turns Factbook headers into SQL column names.</summary>
internal static class CiaColumnNames
{
    /// <summary>
    /// Every character that is not an ASCII letter or digit becomes <c>_</c>, runs of <c>_</c>
    /// collapse, leading and trailing <c>_</c> go: <c>GDP - per capita (PPP)</c> becomes
    /// <c>GDP_per_capita_PPP</c>. A header with nothing left becomes <c>column</c>.
    /// </summary>
    public static string Clean(string header)
    {
        var sb = new StringBuilder(header.Length);
        foreach (var c in header)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '_')
            {
                sb.Append('_');
            }
        }

        while (sb.Length > 0 && sb[^1] == '_')
        {
            sb.Length--;
        }

        return sb.Length == 0 ? "column" : sb.ToString();
    }

    /// <summary>
    /// Cleans every header and makes the names unique. SQLite compares column names without
    /// regard to ASCII case, so uniqueness is case-insensitive too. The first occurrence (in
    /// header order) keeps the clean name; later ones get <c>_2</c>, <c>_3</c>, ... (skipping
    /// suffixes already taken), so the result depends only on the header order. Names in
    /// <paramref name="reserved"/> (the columns the loader adds) count as taken from the start.
    /// </summary>
    public static string[] CleanUnique(IReadOnlyList<string> headers, IEnumerable<string> reserved)
    {
        var names = new string[headers.Count];
        var taken = new HashSet<string>(reserved, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < names.Length; i++)
        {
            var name = Clean(headers[i]);
            if (!taken.Add(name))
            {
                var suffix = 2;
                string candidate;
                do
                {
                    candidate = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name}_{suffix++}");
                }
                while (!taken.Add(candidate));
                name = candidate;
            }

            names[i] = name;
        }

        return names;
    }
}
