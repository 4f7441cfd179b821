using System.Globalization;
using XAnalytics.Reports.Reference;

namespace XAnalytics.Reports;

/// <summary>The few Factbook columns the country report shows, read once per run by ISO code.</summary>
internal sealed class FactbookColumns : IDisposable
{
    private readonly CiaFactbook _factbook;
    private readonly Dictionary<string, Entry> _byName = new(StringComparer.Ordinal);

    private FactbookColumns(CiaFactbook factbook)
    {
        _factbook = factbook;
        string? gdp = Column(factbook, "GDP - per capita (PPP)");
        string? languages = Column(factbook, "Languages");
        string? internet = Column(factbook, "Internet users");
        bool hasList = false;
        foreach (CiaField f in factbook.Fields)
        {
            hasList |= f.Name == "language_list";
        }

        string sql = string.Create(CultureInfo.InvariantCulture,
            $"SELECT id, {gdp ?? "NULL"}, {(hasList ? "language_list" : "NULL")}, {languages ?? "NULL"}, {internet ?? "NULL"} FROM {CiaFactbook.TableName}");
        foreach (object?[] row in factbook.Query(sql).Rows)
        {
            string name = Convert.ToString(row[0], CultureInfo.InvariantCulture)!;
            _byName[name] = new Entry(
                name,
                row[1] switch { long l => l, double d => d, _ => null },
                Tidy(Convert.ToString(row[2] ?? row[3], CultureInfo.InvariantCulture)),
                row[4] switch { long l => l, double d => (long)d, _ => null });
        }
    }

    /// <summary>
    /// Loads the Factbook on a pool thread: it is only needed when the run ends, so loading it (about 0.2 s)
    /// overlaps the run instead of delaying its start.
    /// </summary>
    public static Task<FactbookColumns> LoadAsync(string publicDataDir) => Task.Run(() =>
    {
        CiaFactbook factbook = CiaFactbook.Load(publicDataDir);
        try
        {
            return new FactbookColumns(factbook);
        }
        catch
        {
            factbook.Dispose();
            throw;
        }
    });

    public void Dispose() => _factbook.Dispose();

    public Entry? Find(string iso2)
        => _factbook.FindCountryByIso(iso2) is { } name && _byName.TryGetValue(name, out Entry? e) ? e : null;

    /// <summary>The Factbook pads notes with long runs of spaces: one space reads better in a table.</summary>
    private static string? Tidy(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var tidy = new System.Text.StringBuilder(text.Length);
        foreach (char c in text.Trim())
        {
            if (!char.IsWhiteSpace(c) || tidy.Length == 0 || tidy[^1] != ' ')
            {
                tidy.Append(char.IsWhiteSpace(c) ? ' ' : c);
            }
        }

        return tidy.ToString();
    }

    private static string? Column(CiaFactbook factbook, string source)
    {
        foreach (CiaField f in factbook.Fields)
        {
            if (f.Source == source)
            {
                return "\"" + f.Name + "\"";
            }
        }

        return null;
    }

    internal sealed record Entry(string Name, double? GdpPerCapita, string? Languages, long? InternetUsers);
}
