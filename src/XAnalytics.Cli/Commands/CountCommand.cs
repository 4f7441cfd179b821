using System.CommandLine;
using XAnalytics.Aggregates;
using XAnalytics.Cli.Output;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Settings;
using XAnalytics.Sinks;

namespace XAnalytics.Cli.Commands;

/// <summary><c>xanalytics count INPUT... [--by FIELD]... [--format tsv|csv|json|parquet] [--output FILE]</c></summary>
internal static class CountCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("INPUT")
        {
            Description = "Tracking-log files or directory trees (gzip or plain JSON lines).",
            Arity = ArgumentArity.OneOrMore,
        };
        var by = new Option<string[]>("--by")
        {
            Description = "Count per distinct value of this field: a path like event_type, context.course_id, "
                + "event:element, or 'day' (UTC date of time). Repeat for combinations.",
        };
        var table = new TableOptions("Output format: tsv (value<TAB>count, no header), csv (with header) or json.");
        var common = new CommonOptions();
        var filters = new FilterOptions();
        var partial = new PartialOutput();
        var state = new StateOption();
        var command = new Command("count", "Count events: in total with distinct users, or per value of one or more fields. "
            + "Results go to stdout, progress and a summary to stderr. "
            + "Exit codes: 0 clean, 1 failed, 2 usage or settings error, 3 finished with rejected lines or bad files, 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (nothing published).")
        {
            inputs,
            by,
        };
        table.AddTo(command);
        common.AddTo(command);
        filters.AddTo(command);
        partial.AddTo(command);
        state.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.GuardAsync(result, () => RunAsync(result, inputs, by, table, common, filters, partial, state, ct)));
        return command;
    }

    private static async Task<int> RunAsync(
        ParseResult result, Argument<string[]> inputsArg, Option<string[]> byOpt, TableOptions table, CommonOptions common, FilterOptions filters, PartialOutput partial, StateOption state, CancellationToken ct)
    {
        XAnalyticsSettings settings = GlobalOptions.Load(result);
        FieldPath[] by = [.. (result.GetValue(byOpt) ?? []).Select(FieldPath.Parse)];
        PipelineOptions options = filters.Apply(result, common.ToPipelineOptions(result, settings, result.GetValue(inputsArg) ?? [], "count"));
        if (Array.Exists(by, static p => p.Segments.Count > 1 && p.Segments[0] == "context"))
        {
            options = options with { Parse = options.Parse with { IndexContext = true } }; // read for every event
        }

        var aggregate = new CountAggregate(by);
        if (MergeSession.Current is { } merge)
        {
            using TableDestination merged = table.Open(result, ref options);
            merge.Complete(aggregate);
            ResultTables.WriteCounts(aggregate, by, merged);
            merged.Complete();
            int exitMerged = merge.Finish(result.InvocationConfiguration.Error);
            WarnOnMissingFields(result.InvocationConfiguration.Error, by, aggregate.Result);
            return exitMerged;
        }

        if (await partial.TryRunAsync(result, common, options, filters.Stages(result), aggregate, filters.Describe(result), ct) is int done)
        {
            return done;
        }

        using TableDestination destination = table.Open(result, ref options);
        if (await state.TryRunAsync(result, common, options, filters.Stages(result), aggregate, filters.Describe(result), ct) is int folded)
        {
            ResultTables.WriteCounts(aggregate, by, destination);
            destination.Complete();
            WarnOnMissingFields(result.InvocationConfiguration.Error, by, aggregate.Result);
            return folded;
        }

        RunResult run = await CommandRunner.RunAsync(result, options, filters.Stages(result), new AggregateSink<CountTable>(aggregate), !result.GetValue(common.NoProgress), ct);
        ResultTables.WriteCounts(aggregate, by, destination);
        destination.Complete();
        int exit = CommandRunner.Finish(result, run, filters.Describe(result));
        WarnOnMissingFields(result.InvocationConfiguration.Error, by, aggregate.Result);
        return exit;
    }

    /// <summary>
    /// A field no event has (a typo: <c>--by event_typ</c>) gives one row with an empty value, which looks like an
    /// answer: say so.
    /// </summary>
    private static void WarnOnMissingFields(TextWriter error, FieldPath[] by, CountResult? counts)
    {
        if (counts?.Rows is not { Count: > 0 } rows)
        {
            return;
        }

        for (int i = 0; i < by.Length; i++)
        {
            bool any = false;
            foreach (CountRow row in rows)
            {
                if (row.Values[i] is not null)
                {
                    any = true;
                    break;
                }
            }

            if (!any)
            {
                error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"xanalytics: warning: no event has a value for the field '{by[i].Text}' (--by {by[i].Text}): all {counts.Events:N0} events are counted under an empty value."));
            }
        }
    }
}
