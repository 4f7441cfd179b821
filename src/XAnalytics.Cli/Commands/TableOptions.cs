using System.CommandLine;
using XAnalytics.Cli.Output;
using XAnalytics.Pipeline;

namespace XAnalytics.Cli.Commands;

/// <summary><c>--format</c> and <c>--output</c> of the commands that print a table (count, select, schema).</summary>
internal sealed class TableOptions(string formatDescription)
{
    public Option<TableFormat> Format { get; } = new("--format")
    {
        Description = formatDescription + " Or parquet, written to --output, each column typed by all its values: whole numbers INT64, other numbers DOUBLE, true/false BOOLEAN, ISO-8601 instants TIMESTAMP (UTC), 'day' DATE, counts INT64; anything else or a mix as text.",
        DefaultValueFactory = _ => TableFormat.Tsv,
    };

    public Option<string?> Output { get; } = new("--output", "-o")
    {
        Description = "Write the table to this file instead of stdout, published by a rename when complete (required for parquet).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Format);
        command.Options.Add(Output);
    }

    /// <summary>
    /// The table's destination, checked before the run (parquet without <c>--output</c> is a usage error); the
    /// options with the output file never read as input.
    /// </summary>
    public TableDestination Open(ParseResult result, ref PipelineOptions options)
    {
        string? path = result.GetValue(Output);
        if (path is not null)
        {
            path = PathChecks.WritableFile(new FileInfo(path), Output.Name);
            options = CommonOptions.Excluding(options, path);
        }

        return TableDestination.Open(result.GetValue(Format), path, result.InvocationConfiguration.Output);
    }
}
