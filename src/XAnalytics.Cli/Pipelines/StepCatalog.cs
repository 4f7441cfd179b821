using System.CommandLine;
using System.Globalization;
using XAnalytics.Aggregates;
using XAnalytics.Cli.Commands;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Settings;
using XAnalytics.Sinks;
using XAnalytics.Sources;

namespace XAnalytics.Cli.Pipelines;

/// <summary>What a step's factory may use besides its options.</summary>
internal sealed record RunEnvironment(XAnalyticsSettings Settings, ParseResult Parse);

/// <summary>A sink for a run, and what to print once the run is over (null when it writes files).</summary>
internal sealed record SinkPlan(IEventSink Sink, Action<TextWriter>? WriteResults = null);

/// <summary>
/// The stages and sinks a pipeline file may name, each with its options. The CLI commands are built from the
/// same factories, so <c>xanalytics count</c> and a pipeline with a <c>count</c> sink do the same thing.
/// </summary>
internal static class StepCatalog
{
    private static readonly SortedDictionary<string, Func<StepOptions, RunEnvironment, IEventStage>> s_stages = new(StringComparer.Ordinal);

    private static readonly SortedDictionary<string, Func<StepOptions, RunEnvironment, SinkPlan>> s_sinks = new(StringComparer.Ordinal)
    {
        ["count"] = CountSink,
    };

    public static IReadOnlyCollection<string> StageNames => s_stages.Keys;

    public static IReadOnlyCollection<string> SinkNames => s_sinks.Keys;

    public static IEventStage CreateStage(PipelineStep step, RunEnvironment environment)
    {
        if (!s_stages.TryGetValue(step.Name, out var factory))
        {
            string known = s_stages.Count == 0 ? "none yet" : string.Join(", ", s_stages.Keys);
            throw step.Options.Error(step.Options.At, $"unknown stage '{step.Name}' (stages: {known})");
        }

        return factory(step.Options, environment);
    }

    public static SinkPlan CreateSink(PipelineStep step, RunEnvironment environment)
    {
        if (!s_sinks.TryGetValue(step.Name, out var factory))
        {
            throw step.Options.Error(step.Options.At, $"unknown sink '{step.Name}' (sinks: {string.Join(", ", s_sinks.Keys)})");
        }

        return factory(step.Options, environment);
    }

    /// <summary>The run's options from the file's <c>source</c> (inputs, only-gz, threads, strict, rejects, max-line-length).</summary>
    public static PipelineOptions CreateRunOptions(StepOptions source, XAnalyticsSettings settings, PipelineOptions defaults)
    {
        // Inputs: --in on the command line, else the file's, else the settings' edx-data-dir.
        IReadOnlyList<string> inputs = source.GetList("inputs");
        IReadOnlyList<string> chosen = defaults.Source.Inputs.Count > 0 ? defaults.Source.Inputs
            : inputs.Count > 0 ? inputs
            : [settings.GetRequiredPath(SettingKeys.EdxDataDir)];
        var options = defaults with
        {
            Source = defaults.Source with
            {
                Inputs = chosen,
                OnlyGzip = source.GetBool("only-gz") ?? defaults.Source.OnlyGzip,
            },
            Threads = source.GetInt("threads") ?? defaults.Threads,
            Strict = source.GetBool("strict") ?? defaults.Strict,
            MaxLineBytes = source.GetInt("max-line-length") ?? defaults.MaxLineBytes,
        };
        source.EnsureAllUsed("inputs", "only-gz", "threads", "strict", "max-line-length");
        return options;
    }

    private static SinkPlan CountSink(StepOptions options, RunEnvironment environment)
    {
        FieldPath[] by;
        try
        {
            by = [.. options.GetList("by").Select(FieldPath.Parse)];
        }
        catch (FormatException e)
        {
            throw options.Error(options.At, e.Message);
        }

        string format = options.GetString("format") ?? "tsv";
        if (!Enum.TryParse(format, ignoreCase: true, out TableFormat table))
        {
            throw options.Error(options.At, $"format must be tsv, csv or json, not '{format}'");
        }

        options.EnsureAllUsed("by", "format");
        var aggregate = new CountAggregate(by);
        return new SinkPlan(new AggregateSink<CountTable>(aggregate), output => CountCommand.WriteCounts(aggregate, by, table, output));
    }

    internal static void Register(string name, Func<StepOptions, RunEnvironment, IEventStage> factory) => s_stages[name] = factory;

    internal static void RegisterSink(string name, Func<StepOptions, RunEnvironment, SinkPlan> factory) => s_sinks[name] = factory;

    internal static string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"stages: {(s_stages.Count == 0 ? "(none yet)" : string.Join(", ", s_stages.Keys))}; sinks: {string.Join(", ", s_sinks.Keys)}");
}
