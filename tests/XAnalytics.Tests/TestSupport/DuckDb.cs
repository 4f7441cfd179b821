using DuckDB.NET.Data;

namespace XAnalytics.Tests.TestSupport;

/// <summary>Reads files back with an in-memory DuckDB: what a user's DuckDB, pandas or Spark would see.</summary>
internal static class DuckDb
{
    /// <summary>The column names and DuckDB types of a Parquet file.</summary>
    public static List<(string Name, string Type)> Describe(string parquet)
    {
        var columns = new List<(string, string)>();
        foreach (object?[] row in Rows($"DESCRIBE SELECT * FROM read_parquet('{Quote(parquet)}')"))
        {
            columns.Add(((string)row[0]!, (string)row[1]!));
        }

        return columns;
    }

    /// <summary>Every row of a query, each value as DuckDB.NET gives it (null for SQL NULL).</summary>
    public static List<object?[]> Rows(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = sql;
        using DuckDBDataReader reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>A path inside a single-quoted SQL string.</summary>
    public static string Quote(string path) => path.Replace("'", "''", StringComparison.Ordinal);
}
