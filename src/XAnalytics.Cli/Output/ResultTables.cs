using System.Globalization;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Parquet;

namespace XAnalytics.Cli.Output;

/// <summary>The tables of the aggregating commands (and of the YAML pipelines' sinks that end the same way).</summary>
internal static class ResultTables
{
    /// <summary>Writes a finished count as a table: totals without fields, else one row per value.</summary>
    public static void WriteCounts(CountAggregate aggregate, IReadOnlyList<FieldPath> by, TableFormat format, TextWriter output)
    {
        using TableDestination destination = TableDestination.Open(format, null, output);
        WriteCounts(aggregate, by, destination);
        destination.Complete();
    }

    /// <summary>Writes a finished count to <paramref name="destination"/>; the caller completes it.</summary>
    public static void WriteCounts(CountAggregate aggregate, IReadOnlyList<FieldPath> by, TableDestination destination)
    {
        CountResult counts = aggregate.Result!;
        if (destination.Format == TableFormat.Parquet)
        {
            WriteCountsParquet(counts, by, destination.Path!);
            return;
        }

        TableFormat format = destination.Format;
        TextWriter output = destination.Text;
        if (counts.Rows is null)
        {
            using var totals = new TableOutput(format, ["measure", "count"], output);
            totals.WriteRow(["events", counts.Events.ToString(CultureInfo.InvariantCulture)]);
            totals.WriteRow(["users", counts.DistinctUsers.ToString(CultureInfo.InvariantCulture)]);
            return;
        }

        if (format is TableFormat.Tsv or TableFormat.Csv)
        {
            Stream bytes = destination.OpenBytes(out bool owned);
            try
            {
                using var text = new CountRowText(bytes, format == TableFormat.Csv);
                text.Header([.. by.Select(static p => p.Text), "count"]);
                counts.VisitRows(text);
                text.Complete();
            }
            finally
            {
                if (owned)
                {
                    bytes.Dispose();
                }
            }

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
        using TableDestination destination = TableDestination.Open(format, null, output);
        WriteSchema(aggregate, destination);
        destination.Complete();
    }

    /// <summary>Writes a finished schema to <paramref name="destination"/>; the caller completes it.</summary>
    public static void WriteSchema(SchemaAggregate aggregate, TableDestination destination)
    {
        if (destination.Format == TableFormat.Parquet)
        {
            using var parquet = ParquetTableWriter.Create(destination.Path!,
                [new("path", ParquetColumnType.Text, Nullable: false), new("count", ParquetColumnType.Count, Nullable: false), new("example", ParquetColumnType.Text)]);
            foreach (SchemaField field in aggregate.Result!.Fields)
            {
                parquet.Add(field.Path);
                parquet.Add(field.Count);
                parquet.Add(field.Example);
                parquet.EndRow();
            }

            parquet.Complete();
            return;
        }

        using var table = new TableOutput(destination.Format, ["path", "count", "example"], destination.Text);
        foreach (SchemaField field in aggregate.Result!.Fields)
        {
            table.WriteRow([field.Path, field.Count.ToString(CultureInfo.InvariantCulture), field.Example]);
        }
    }

    private static void WriteCountsParquet(CountResult counts, IReadOnlyList<FieldPath> by, string path)
    {
        var count = new ParquetColumn("count", ParquetColumnType.Count, Nullable: false);
        if (counts.Rows is null)
        {
            using var totals = ParquetTableWriter.Create(path, [new("measure", ParquetColumnType.Text, Nullable: false), count]);
            totals.Add("events");
            totals.Add(counts.Events);
            totals.EndRow();
            totals.Add("users");
            totals.Add(counts.DistinctUsers);
            totals.EndRow();
            totals.Complete();
            return;
        }

        // Each field's column is typed by all of its values (FieldColumn): seen first, then written.
        var columns = new FieldColumn[by.Count];
        for (int i = 0; i < by.Count; i++)
        {
            columns[i] = new FieldColumn(by[i]);
        }

        foreach (CountRow r in counts.Rows)
        {
            for (int i = 0; i < by.Count; i++)
            {
                columns[i].Observe(r.Values[i], r.IsJson.Count > i && r.IsJson[i]);
            }
        }

        using var table = ParquetTableWriter.Create(path, [.. columns.Select(static c => c.Column), count]);
        foreach (CountRow r in counts.Rows)
        {
            for (int i = 0; i < by.Count; i++)
            {
                columns[i].Add(table, r.Values[i]);
            }

            table.Add(r.Count);
            table.EndRow();
        }

        table.Complete();
    }
}
