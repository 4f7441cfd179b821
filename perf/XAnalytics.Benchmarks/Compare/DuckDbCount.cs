using System.Globalization;
using System.Text;
using DuckDB.NET.Data;

namespace XAnalytics.Benchmarks.Compare;

/// <summary>
/// The DuckDB peer, run as a child mode of this program (<c>duckdb-count DIR [--by FIELD] [--threads N] [--schema
/// columns|auto]</c>) so its peak memory is measured apart. Prints <c>value TAB count</c> like <c>xanalytics count</c>.
/// </summary>
/// <remarks>
/// <c>read_json</c> over <c>DIR/**/*.gz</c> (recursive glob, gzip detected from the extension), newline-delimited,
/// skipping lines that do not parse (<c>ignore_errors</c>). With <c>--schema columns</c> (the default) the field
/// is declared, so DuckDB neither samples the files to infer a schema nor builds the other columns: its fastest
/// honest form. <c>--schema auto</c> is the query as a user would first write it.
/// </remarks>
internal static class DuckDbCount
{
    public static string Query(string dir, string field, string schema)
    {
        string glob = Path.Combine(Path.GetFullPath(dir), "**", "*.gz").Replace("'", "''", StringComparison.Ordinal);
        string column = "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        string columns = schema == "auto" ? "" : $", columns = {{'{field}': 'VARCHAR'}}";
        return $"SELECT {column}, count(*) FROM read_json('{glob}', format = 'newline_delimited', ignore_errors = true{columns}) GROUP BY 1";
    }

    public static int Run(string[] args)
    {
        string? dir = null;
        string field = "event_type";
        string schema = "columns";
        int threads = Environment.ProcessorCount;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--by": field = args[++i]; break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--schema": schema = args[++i]; break;
                default: dir = args[i]; break;
            }
        }

        if (dir is null)
        {
            Console.Error.WriteLine("usage: duckdb-count DIR [--by FIELD] [--threads N] [--schema columns|auto]");
            return 2;
        }

        using DuckDBConnection connection = Open(threads);

        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = Query(dir, field, schema);
        using DuckDBDataReader reader = command.ExecuteReader();
        var output = new StringBuilder();
        while (reader.Read())
        {
            string value = reader.IsDBNull(0) ? "" : reader.GetString(0);
            output.Append(value).Append('\t').Append(reader.GetInt64(1).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        Console.Out.Write(output.ToString());
        return 0;
    }

    /// <summary>Child mode <c>duckdb-exec [--threads N] SQL</c>: runs one statement (a COPY, for instance).</summary>
    public static int Exec(string[] args)
    {
        int threads = Environment.ProcessorCount;
        string? sql = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--threads")
            {
                threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else
            {
                sql = args[i];
            }
        }

        if (sql is null)
        {
            Console.Error.WriteLine("usage: duckdb-exec [--threads N] SQL");
            return 2;
        }

        using DuckDBConnection connection = Open(threads);

        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
        return 0;
    }

    /// <summary>An in-memory database using <paramref name="threads"/> threads.</summary>
    private static DuckDBConnection Open(int threads)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using DuckDBCommand set = connection.CreateCommand();
        set.CommandText = string.Create(CultureInfo.InvariantCulture, $"SET threads = {threads}");
        set.ExecuteNonQuery();
        return connection;
    }

    /// <summary>The DuckDB library's version, for the machine description.</summary>
    public static string Version()
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = "SELECT version()";
        return command.ExecuteScalar()?.ToString() ?? "?";
    }
}
