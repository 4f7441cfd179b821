using System.Collections.Frozen;
using Microsoft.Data.Sqlite;

namespace XAnalytics.Reports.Reference;

/// <summary>
/// The CIA World Factbook as an in-memory SQLite database: table <c>cia</c> (one row per
/// nation, one column per Factbook field plus <c>language_list</c>) and table
/// <c>cia_iso</c> (<c>iso2</c>, <c>id</c>) joining ISO 3166-1 alpha-2 codes to <c>cia.id</c>.
/// </summary>
/// <remarks>
/// <para>Built by <see cref="Load"/> from <c>cia-data-all.csv</c> and <c>languages.csv</c>.
/// Headers become SQL names by <c>CiaColumnNames</c>' rule (non-alphanumerics to <c>_</c>,
/// runs collapsed, ends trimmed, later duplicates suffixed <c>_2</c>, <c>_3</c>...). A column
/// is INTEGER when every non-empty cell is a whole number (<c>$ 39 300</c>, <c>8893.0</c>),
/// REAL when every non-empty cell is a number and some are not whole, TEXT otherwise;
/// <c>$</c>, spaces and <c>,</c> are ignored when reading numbers, <c>NA</c> counts as empty
/// in numeric columns, and empty cells are NULL. Rows that are not nations (oceans,
/// Antarctica, aggregates, uninhabited islands and reefs, error rows) are left out; see
/// <c>CiaRowFilter</c>.</para>
/// <para>Not thread-safe: a SQLite connection serves one caller at a time.
/// <see cref="FindCountryByIso"/> alone reads an immutable map and may be called from any thread.</para>
/// </remarks>
public sealed partial class CiaFactbook : IDisposable
{
    /// <summary>The Factbook file, expected in the public data directory.</summary>
    public const string FactbookFileName = "cia-data-all.csv";

    /// <summary>The languages file (country name, TAB, languages text), expected beside it.</summary>
    public const string LanguagesFileName = "languages.csv";

    /// <summary>The main table's name.</summary>
    public const string TableName = "cia";

    /// <summary>The table joining ISO codes to <c>cia.id</c>.</summary>
    public const string IsoTableName = "cia_iso";

    private readonly FrozenDictionary<string, string> _isoToCountry;

    private CiaFactbook(SqliteConnection connection, IReadOnlyList<CiaField> fields, IReadOnlyList<string> countries, FrozenDictionary<string, string> isoToCountry)
    {
        Connection = connection;
        Fields = fields;
        Countries = countries;
        _isoToCountry = isoToCountry;
    }

    /// <summary>The open in-memory connection; closed by <see cref="Dispose"/>.</summary>
    public SqliteConnection Connection { get; }

    /// <summary>The columns of <c>cia</c>, in table order (<c>id</c> first, <c>language_list</c> last).</summary>
    public IReadOnlyList<CiaField> Fields { get; }

    /// <summary>The kept rows' names (<c>cia.id</c>), in file order.</summary>
    public IReadOnlyList<string> Countries { get; }

    /// <summary>
    /// Runs one SQL statement and reads all its rows. Meant for the small answers reference
    /// queries give; use <see cref="Connection"/> directly to stream or bind parameters.
    /// </summary>
    /// <exception cref="SqliteException">The SQL is invalid.</exception>
    public SqlQueryResult Query(string sql)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var columns = new string[reader.FieldCount];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = reader.GetName(i);
        }

        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[columns.Length];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return new SqlQueryResult(columns, rows);
    }

    /// <summary>
    /// The Factbook row (<c>cia.id</c>) for an ISO 3166-1 alpha-2 code as GeoIP reports it
    /// (case-insensitive), or <see langword="null"/> when no kept row matches (unknown codes,
    /// <c>UNKNOWN</c>, dropped territories, and the few documented gaps such as PS and SS).
    /// </summary>
    public string? FindCountryByIso(string? iso2) =>
        iso2 is not null && _isoToCountry.TryGetValue(iso2, out var country) ? country : null;

    /// <summary>Closes the connection and frees the database.</summary>
    public void Dispose() => Connection.Dispose();
}
