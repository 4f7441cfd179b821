using System.CommandLine;
using System.Text.Json;
using XAnalytics.Cli.Output;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Settings;
using XAnalytics.Sinks;
using XAnalytics.Stages;

namespace XAnalytics.Cli.Commands;

/// <summary><c>xanalytics select INPUT FIELD... [--format tsv|csv|json|parquet] [--output FILE] [filters]</c></summary>
internal static class SelectCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT")
        {
            Description = "A tracking-log file or directory tree (gzip or plain JSON lines).",
        };
        var fields = new Argument<string[]>("FIELD")
        {
            Description = "Fields to print, in this order: paths like username, context.course_id, event.id (browser events decoded), or 'day'.",
            Arity = ArgumentArity.OneOrMore,
        };
        var table = new TableOptions("Output format: tsv (no header; a missing field is empty), csv (with header) or json (one object per line).");
        var common = new CommonOptions();
        var filters = new FilterOptions();
        var command = new Command("select", "Print fields of each event, one row per event in input order (files in order, lines in order). "
            + "Rows go to stdout, progress and a summary to stderr. Exit codes as for count.")
        {
            input,
            fields,
        };
        table.AddTo(command);
        common.AddTo(command);
        filters.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.GuardAsync(result, () => RunAsync(result, input, fields, table, common, filters, ct)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, Argument<string> inputArg, Argument<string[]> fieldsArg, TableOptions tableOptions,
        CommonOptions common, FilterOptions filters, CancellationToken ct)
    {
        XAnalyticsSettings settings = GlobalOptions.Load(result);
        FieldPath[] paths = [.. (result.GetValue(fieldsArg) ?? []).Select(FieldPath.Parse)];
        PipelineOptions options = filters.Apply(result, common.ToPipelineOptions(result, settings, [result.GetValue(inputArg)!], "select"));
        IReadOnlyList<IEventStage> stages = [.. filters.Stages(result), DecodeBrowserEventStage.Create()];
        using TableDestination destination = tableOptions.Open(result, ref options);
        TableFormat format = destination.Format;
        TextWriter stdout = destination.Text;
        string[] columns = [.. paths.Select(static p => p.Text)];
        if (format == TableFormat.Parquet)
        {
            RunResult parquetRun;
            using (var rows = new SpooledFieldRows(destination.Path!, paths))
            {
                // A column's type depends on all of its values: the rows are spooled, then written typed.
                var sink = new FieldRowSink(paths, rows.Add);
                parquetRun = await CommandRunner.RunAsync(result, options, stages, sink, !result.GetValue(common.NoProgress), ct);
                rows.Complete();
            }

            return CommandRunner.Finish(result, parquetRun, filters.Describe(result));
        }

        // Rows are formatted into a buffer and handed to stdout in 64 KiB pieces: the console writer flushes on
        // every write, which made select spend more time in write calls than in the pipeline.
        var buffer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        RunResult run;
        if (format == TableFormat.Json)
        {
            var lines = new JsonLines(columns, buffer);
            var sink = new FieldRowSink(paths, (row, isJson) =>
            {
                lines.Write(row, isJson);
                Spill(buffer, stdout);
            });
            run = await CommandRunner.RunAsync(result, options, stages, sink, !result.GetValue(common.NoProgress), ct);
        }
        else
        {
            using (var table = new TableOutput(format, columns, buffer))
            {
                var sink = new FieldRowSink(paths, row =>
                {
                    table.WriteRow(row);
                    Spill(buffer, stdout);
                });
                run = await CommandRunner.RunAsync(result, options, stages, sink, !result.GetValue(common.NoProgress), ct);
            }
        }

        stdout.Write(buffer.GetStringBuilder());
        await stdout.FlushAsync(ct);
        destination.Complete();
        return CommandRunner.Finish(result, run, filters.Describe(result));
    }

    /// <summary>Hands what the buffer holds to stdout once it reaches 64 KiB.</summary>
    private static void Spill(StringWriter buffer, TextWriter output)
    {
        System.Text.StringBuilder text = buffer.GetStringBuilder();
        if (text.Length >= 1 << 16)
        {
            output.Write(text);
            text.Clear();
        }
    }

    /// <summary>One JSON object per row and line: streams, unlike a JSON array of a whole archive.</summary>
    private sealed class JsonLines(string[] columns, TextWriter output)
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new();

        /// <summary>Writes a row; a value marked in <paramref name="isJson"/> is written as the JSON it is, the others as strings.</summary>
        public void Write(string?[] row, bool[] isJson)
        {
            _buffer.ResetWrittenCount();
            using (var json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                json.WriteStartObject();
                for (int i = 0; i < columns.Length; i++)
                {
                    TableOutput.WriteJsonValue(json, columns[i], row[i], isJson[i]);
                }

                json.WriteEndObject();
            }

            output.Write(System.Text.Encoding.UTF8.GetString(_buffer.WrittenSpan));
            output.Write('\n');
        }
    }
}
