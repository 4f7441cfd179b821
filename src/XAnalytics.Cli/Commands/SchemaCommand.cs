using System.CommandLine;
using XAnalytics.Aggregates;
using XAnalytics.Cli.Output;
using XAnalytics.Pipeline;
using XAnalytics.Settings;
using XAnalytics.Sinks;
using XAnalytics.Stages;

namespace XAnalytics.Cli.Commands;

/// <summary><c>xanalytics schema INPUT [--all] [--format tsv|csv|json|parquet] [--output FILE] [filters]</c></summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        var input = new Argument<string[]>("INPUT")
        {
            Description = "Tracking-log files or directory trees (gzip or plain JSON lines).",
            Arity = ArgumentArity.OneOrMore,
        };
        var all = new Option<bool>("--all")
        {
            Description = "Descend into noisy subtrees (correct_map, submission, answers, POST, GET, state) instead of one path each.",
        };
        var table = new TableOptions("Output format: tsv (path<TAB>count<TAB>example, no header), csv (with header) or json.");
        var common = new CommonOptions();
        var filters = new FilterOptions();
        var partial = new PartialOutput();
        var state = new StateOption();
        var command = new Command("schema", "List every field path in the events (browser events decoded), with the number of events that have it "
            + "and one example value, cut short; learner identifiers (usernames, IPs, agents, sessions, e-mails, phone numbers) are shown as placeholders.")
        {
            input,
            all,
        };
        table.AddTo(command);
        common.AddTo(command);
        filters.AddTo(command);
        partial.AddTo(command);
        state.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.GuardAsync(result, () => RunAsync(result, input, all, table, common, filters, partial, state, ct)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, Argument<string[]> inputArg, Option<bool> allOpt, TableOptions table,
        CommonOptions common, FilterOptions filters, PartialOutput partial, StateOption state, CancellationToken ct)
    {
        XAnalyticsSettings settings = GlobalOptions.Load(result);
        var aggregate = new SchemaAggregate(new SchemaOptions { All = result.GetValue(allOpt) });
        if (MergeSession.Current is { } merge)
        {
            PipelineOptions none = new();
            using TableDestination merged = table.Open(result, ref none);
            merge.Complete(aggregate);
            ResultTables.WriteSchema(aggregate, merged);
            merged.Complete();
            return merge.Finish(result.InvocationConfiguration.Error);
        }

        PipelineOptions options = filters.Apply(result, common.ToPipelineOptions(result, settings, result.GetValue(inputArg) ?? [], "schema"));
        IReadOnlyList<IEventStage> stages = [.. filters.Stages(result), DecodeBrowserEventStage.Create()];
        if (await partial.TryRunAsync(result, common, options, stages, aggregate, filters.Describe(result), ct) is int done)
        {
            return done;
        }

        using TableDestination destination = table.Open(result, ref options);
        if (await state.TryRunAsync(result, common, options, stages, aggregate, filters.Describe(result), ct) is int folded)
        {
            ResultTables.WriteSchema(aggregate, destination);
            destination.Complete();
            return folded;
        }

        RunResult run = await CommandRunner.RunAsync(result, options, stages, new AggregateSink<SchemaPartial>(aggregate), !result.GetValue(common.NoProgress), ct);
        ResultTables.WriteSchema(aggregate, destination);
        destination.Complete();
        return CommandRunner.Finish(result, run, filters.Describe(result));
    }
}
