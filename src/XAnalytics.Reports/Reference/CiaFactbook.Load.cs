using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using nietras.SeparatedValues;

namespace XAnalytics.Reports.Reference;

public sealed partial class CiaFactbook
{
    private const string LanguageColumn = "language_list";

    /// <summary>
    /// Reads <c>cia-data-all.csv</c> and <c>languages.csv</c> from <paramref name="publicDataDir"/>
    /// into a new in-memory database.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">One of the two files is missing; the message names it.</exception>
    /// <exception cref="InvalidDataException">The Factbook file is empty, a row has more cells than the header, or a name repeats.</exception>
    public static CiaFactbook Load(string publicDataDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(publicDataDir);
        if (!Directory.Exists(publicDataDir))
        {
            throw new DirectoryNotFoundException($"Public data directory not found: {publicDataDir}");
        }

        var factbookPath = RequireFile(publicDataDir, FactbookFileName);
        var languagesPath = RequireFile(publicDataDir, LanguagesFileName);

        var (headers, rows) = ReadFactbook(factbookPath);
        var languages = ReadLanguages(languagesPath);

        var populationColumn = IndexOf(headers, "Population");
        var capitalColumn = IndexOf(headers, "Capital");
        var kept = new List<string[]>(rows.Count);
        var countries = new List<string>(rows.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!CiaRowFilter.IsNation(row, populationColumn, capitalColumn))
            {
                continue;
            }

            row[0] = row[0].Trim();
            if (!seen.Add(row[0]))
            {
                throw new InvalidDataException($"{factbookPath}: the name '{row[0]}' appears on more than one row.");
            }

            kept.Add(row);
            countries.Add(row[0]);
        }

        var names = CiaColumnNames.CleanUnique(headers, [LanguageColumn]);
        var fields = new CiaField[headers.Length + 1];
        for (var c = 0; c < headers.Length; c++)
        {
            fields[c] = new CiaField(names[c], headers[c], c == 0 ? SqliteType.Text : InferType(kept, c));
        }

        fields[^1] = new CiaField(LanguageColumn, LanguagesFileName, SqliteType.Text);
        var isoToCountry = IsoCountries.Join(countries);

        var connection = new SqliteConnection("Data Source=:memory:");
        try
        {
            connection.Open();
            Fill(connection, fields, kept, languages, isoToCountry);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return new CiaFactbook(connection, fields, countries, isoToCountry);
    }

    private static string RequireFile(string directory, string fileName)
    {
        var path = Path.Combine(directory, fileName);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"CIA Factbook data: '{fileName}' not found in {directory}.", path);
    }

    private static int IndexOf(string[] headers, string header) =>
        Array.FindIndex(headers, h => string.Equals(h.Trim(), header, StringComparison.OrdinalIgnoreCase));

    private static (string[] Headers, List<string[]> Rows) ReadFactbook(string path)
    {
        // HasHeader = false: the header is read as a row, so Sep's own duplicate-name check
        // does not reject a file our column-name rule can handle.
        using var reader = Sep.Reader(o => o with { HasHeader = false, Unescape = true, DisableColCountCheck = true }).FromFile(path);
        string[]? headers = null;
        var rows = new List<string[]>();
        foreach (var row in reader)
        {
            if (headers is null)
            {
                headers = new string[row.ColCount];
                for (var c = 0; c < headers.Length; c++)
                {
                    headers[c] = row[c].ToString().Trim();
                }

                continue;
            }

            if (row.ColCount == 1 && row[0].Span.IsWhiteSpace())
            {
                continue;
            }

            if (row.ColCount > headers.Length)
            {
                throw new InvalidDataException(
                    $"{path}: row {row.RowIndex + 1} has {row.ColCount} cells, the header {headers.Length}.");
            }

            // Short rows are padded: trailing empty cells are sometimes left out.
            var cells = new string[headers.Length];
            for (var c = 0; c < cells.Length; c++)
            {
                cells[c] = c < row.ColCount ? row[c].ToString() : string.Empty;
            }

            rows.Add(cells);
        }

        return headers is null || headers.Length == 0
            ? throw new InvalidDataException($"{path}: the file is empty.")
            : (headers, rows);
    }

    private static Dictionary<string, string> ReadLanguages(string path)
    {
        var languages = new Dictionary<string, string>(StringComparer.Ordinal);
        using var reader = Sep.New('\t').Reader(o => o with { HasHeader = false, Unescape = true, DisableColCountCheck = true }).FromFile(path);
        foreach (var row in reader)
        {
            if (row.ColCount < 2)
            {
                continue;
            }

            // The first line for a name wins, so a repeated name cannot change an earlier answer.
            languages.TryAdd(row[0].ToString().Trim(), row[1].ToString().Trim());
        }

        return languages;
    }

    private static SqliteType InferType(List<string[]> rows, int column)
    {
        var type = SqliteType.Blob; // "no number seen yet"
        foreach (var row in rows)
        {
            switch (CiaNumber.Parse(row[column], out _, out _))
            {
                case CiaCellKind.Missing:
                    break;
                case CiaCellKind.Integer:
                    type = type == SqliteType.Real ? SqliteType.Real : SqliteType.Integer;
                    break;
                case CiaCellKind.Real:
                    type = SqliteType.Real;
                    break;
                default:
                    return SqliteType.Text;
            }
        }

        return type == SqliteType.Blob ? SqliteType.Text : type;
    }

    private static void Fill(
        SqliteConnection connection,
        CiaField[] fields,
        List<string[]> rows,
        Dictionary<string, string> languages,
        FrozenDictionary<string, string> isoToCountry)
    {
        using var transaction = connection.BeginTransaction();

        var create = new StringBuilder("CREATE TABLE " + TableName + " (");
        var insert = new StringBuilder("INSERT INTO " + TableName + " VALUES (");
        for (var c = 0; c < fields.Length; c++)
        {
            var separator = c == 0 ? string.Empty : ", ";
            create.Append(CultureInfo.InvariantCulture, $"{separator}\"{fields[c].Name}\" {fields[c].SqlType}{(c == 0 ? " NOT NULL PRIMARY KEY" : string.Empty)}");
            insert.Append(CultureInfo.InvariantCulture, $"{separator}$p{c}");
        }

        Execute(connection, transaction, create.Append(')').ToString());
        Execute(connection, transaction, $"CREATE TABLE {IsoTableName} (iso2 TEXT NOT NULL PRIMARY KEY COLLATE NOCASE, id TEXT NOT NULL REFERENCES {TableName}(id))");

        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = insert.Append(')').ToString();
            var parameters = new SqliteParameter[fields.Length];
            for (var c = 0; c < fields.Length; c++)
            {
                parameters[c] = command.Parameters.Add("$p" + c.ToString(CultureInfo.InvariantCulture), fields[c].Type);
            }

            command.Prepare();
            foreach (var row in rows)
            {
                for (var c = 0; c < row.Length; c++)
                {
                    parameters[c].Value = CellValue(row[c], fields[c].Type);
                }

                parameters[^1].Value = languages.TryGetValue(row[0], out var text) && text.Length > 0 ? text : DBNull.Value;
                command.ExecuteNonQuery();
            }
        }

        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"INSERT INTO {IsoTableName} VALUES ($iso, $id)";
            var iso = command.Parameters.Add("$iso", SqliteType.Text);
            var id = command.Parameters.Add("$id", SqliteType.Text);
            foreach (var (code, country) in isoToCountry.OrderBy(static p => p.Key, StringComparer.Ordinal))
            {
                iso.Value = code;
                id.Value = country;
                command.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    private static object CellValue(string cell, SqliteType type)
    {
        if (type == SqliteType.Text)
        {
            return string.IsNullOrWhiteSpace(cell) ? DBNull.Value : cell;
        }

        // Numeric columns hold only numbers and missing cells (InferType checked every row).
        return CiaNumber.Parse(cell, out var integer, out var real) switch
        {
            CiaCellKind.Integer when type == SqliteType.Integer => integer,
            CiaCellKind.Integer or CiaCellKind.Real => real,
            _ => DBNull.Value,
        };
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
