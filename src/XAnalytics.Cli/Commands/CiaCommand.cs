using System.CommandLine;
using XAnalytics.Reports.Reference;

namespace XAnalytics.Cli.Commands;

/// <summary><c>xanalytics cia fields | query "SQL"</c>: the CIA World Factbook as SQL.</summary>
internal static class CiaCommand
{
    internal static Command Create()
    {
        // Recursive so it may follow either "cia" or the subcommand.
        var publicDataDir = new Option<DirectoryInfo?>("--public-data-dir")
        {
            Description = $"Directory holding {CiaFactbook.FactbookFileName} and {CiaFactbook.LanguagesFileName} "
                + "(default: the settings key public-data-dir).",
            Recursive = true,
        };

        var fields = new Command("fields", "List the columns of table cia: name, SQL type, source header (TSV).");
        fields.SetAction(parseResult => Run(parseResult, publicDataDir, static (factbook, output) =>
        {
            output.Write("name\ttype\tsource\n");
            foreach (var field in factbook.Fields)
            {
                output.Write($"{field.Name}\t{field.SqlType}\t{field.Source}\n");
            }
        }));

        var sql = new Argument<string>("sql") { Description = "One SQL statement over tables cia and cia_iso (iso2, id)." };
        var query = new Command("query", "Run SQL over the Factbook and print the result as TSV with a header line.") { sql };
        query.SetAction(parseResult => Run(parseResult, publicDataDir, (factbook, output) =>
            factbook.Query(parseResult.GetRequiredValue(sql)).WriteTsv(output)));

        return new Command("cia", "The CIA World Factbook (one row per nation) as an in-memory SQLite table.")
        {
            publicDataDir,
            fields,
            query,
        };
    }

    private static int Run(ParseResult parseResult, Option<DirectoryInfo?> publicDataDir, Action<CiaFactbook, TextWriter> body)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        try
        {
            string dir = parseResult.GetValue(publicDataDir)?.FullName
                ?? GlobalOptions.Load(parseResult).GetRequiredPath(XAnalytics.Settings.SettingKeys.PublicDataDir);
            using var factbook = CiaFactbook.Load(dir);
            body(factbook, output);
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or Microsoft.Data.Sqlite.SqliteException or XAnalytics.Settings.SettingsException)
        {
            error.WriteLine($"xanalytics cia: {e.Message}");
            return 1;
        }
    }
}
