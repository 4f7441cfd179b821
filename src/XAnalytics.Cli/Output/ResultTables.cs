using System.Globalization;
using XAnalytics.Aggregates;
using XAnalytics.Events;

namespace XAnalytics.Cli.Output;

/// <summary>The tables of the aggregating commands (and of the YAML pipelines' sinks that end the same way).</summary>
internal static class ResultTables
{
    /// <summary>Writes a finished count as a table: totals without fields, else one row per value.</summary>
    public static void WriteCounts(CountAggregate aggregate, IReadOnlyList<FieldPath> by, TableFormat format, TextWriter output)
    {
        CountResult counts = aggregate.Result!;
        if (counts.Rows is null)
        {
            using var totals = new TableOutput(format, ["measure", "count"], output);
            totals.WriteRow(["events", counts.Events.ToString(CultureInfo.InvariantCulture)]);
            totals.WriteRow(["users", counts.DistinctUsers.ToString(CultureInfo.InvariantCulture)]);
            return;
        }

        using var table = new TableOutput(format, [.. by.Select(static p => p.Text), "count"], output);
        var row = new string?[by.Count + 1];
        var isJson = new bool[by.Count + 1];
        isJson[by.Count] = true; // the count, a number
        foreach (CountRow r in counts.Rows)
        {
            for (int i = 0; i < by.Count; i++)
            {
                row[i] = r.Values[i];
                isJson[i] = r.IsJson.Count > i && r.IsJson[i];
            }

            row[by.Count] = r.Count.ToString(CultureInfo.InvariantCulture);
            table.WriteRow(row, isJson);
        }
    }

    /// <summary>Writes a finished schema as a table of path, count and example.</summary>
    public static void WriteSchema(SchemaAggregate aggregate, TableFormat format, TextWriter output)
    {
        using var table = new TableOutput(format, ["path", "count", "example"], output);
        foreach (SchemaField field in aggregate.Result!.Fields)
        {
            table.WriteRow([field.Path, field.Count.ToString(CultureInfo.InvariantCulture), field.Example]);
        }
    }
}
