using System.Globalization;
using XAnalytics.Aggregates;
using XAnalytics.Cli.Output;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Settings;
using XAnalytics.Sinks;
using XAnalytics.Stages;
using XAnalytics.Stages.Desensitize;

namespace XAnalytics.Cli.Pipelines;

/// <summary>
/// The stages and sinks a pipeline file may name, each with its options. The CLI commands are built from the
/// same factories, so <c>xanalytics count</c> and a pipeline with a <c>count</c> sink do the same thing.
/// </summary>
internal static class StepCatalog
{
    private static readonly SortedDictionary<string, Func<StepOptions, RunEnvironment, IEventStage>> s_stages = new(StringComparer.Ordinal)
    {
        ["filter"] = FilterStep,
        ["decode-browser-event"] = DecodeStep,
        ["remove-redundant"] = RemoveRedundantStep,
        ["desensitize"] = DesensitizeStep,
        ["truncate"] = TruncateStep,
    };

    private static readonly SortedDictionary<string, Func<StepOptions, RunEnvironment, SinkPlan>> s_sinks = new(StringComparer.Ordinal)
    {
        ["count"] = CountSink,
        ["schema"] = SchemaSink,
        ["json-parts"] = (o, e) => PartsSink(o, e, OutputParts.Format.Json),
        ["bson-parts"] = (o, e) => PartsSink(o, e, OutputParts.Format.Bson),
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
        if (!Enum.TryParse(format, ignoreCase: true, out TableFormat table) || table == TableFormat.Parquet)
        {
            // Parquet needs a file, which a pipeline's table sinks (stdout) have not got: the count command's --output has.
            throw options.Error(options.At, $"format must be tsv, csv or json, not '{format}'");
        }

        options.EnsureAllUsed("by", "format");
        var aggregate = new CountAggregate(by);
        return new SinkPlan(new AggregateSink<CountTable>(aggregate), output => ResultTables.WriteCounts(aggregate, by, table, output));
    }

    private static IEventStage FilterStep(StepOptions o, RunEnvironment e)
    {
        try
        {
            // 'from'/'to' as on the command line; 'min-date'/'max-date' are the older names.
            string? min = Either(o, "from", "min-date");
            string? max = Either(o, "to", "max-date");
            var filter = new Stages.FilterOptions
            {
                MinTime = min is null ? null : FilterDates.ParseMin(min),
                MaxTime = max is null ? null : FilterDates.ParseMax(max),
                EventTypes = o.GetList("event-types"),
                Courses = o.GetList("courses"),
                Users = o.GetList("users"),
                Where = [.. o.GetList("where").Select(FieldCondition.Parse)],
            };
            o.EnsureAllUsed("from", "to", "min-date", "max-date", "event-types", "courses", "users", "where");
            return FilterStage.Create(filter);
        }
        catch (FormatException ex)
        {
            throw o.Error(o.At, ex.Message);
        }
    }

    private static string? Either(StepOptions o, string name, string alias)
    {
        string? value = o.GetString(name);
        string? old = o.GetString(alias);
        return value is not null && old is not null ? throw o.Error(o.At, $"give '{name}' or '{alias}' (its older name), not both") : value ?? old;
    }

    private static IEventStage DecodeStep(StepOptions o, RunEnvironment e)
    {
        var options = new DecodeBrowserEventOptions { MaxLevels = o.GetInt("max-levels") ?? new DecodeBrowserEventOptions().MaxLevels };
        o.EnsureAllUsed("max-levels");
        return DecodeBrowserEventStage.Create(options);
    }

    private static IEventStage RemoveRedundantStep(StepOptions o, RunEnvironment e)
    {
        var options = new RemoveRedundantOptions { DropCourseUserTags = o.GetBool("drop-course-user-tags") ?? true };
        o.EnsureAllUsed("drop-course-user-tags");
        return RemoveRedundantStage.Create(options);
    }

    private static IEventStage TruncateStep(StepOptions o, RunEnvironment e)
    {
        var options = new TruncateOptions { MaxLength = o.GetInt("max-length") ?? new TruncateOptions().MaxLength };
        o.EnsureAllUsed("max-length");
        return TruncateStage.Create(options);
    }

    private static IEventStage DesensitizeStep(StepOptions o, RunEnvironment e)
    {
        DesensitizeProfile profile = ParseEnum<DesensitizeProfile>(o, "profile", DesensitizeProfile.Default);
        PseudonymScheme scheme = ParseEnum<PseudonymScheme>(o, "pseudonyms", PseudonymScheme.Keyed);
        string? keyFile = o.GetString("key-file");
        IReadOnlyList<string> drop = o.GetList("drop");
        IReadOnlyList<string> keep = o.GetList("keep");
        RemoveRedundantOptions? redundant = o.GetBool("remove-redundant") == true ? new RemoveRedundantOptions() : null;
        o.EnsureAllUsed("profile", "pseudonyms", "key-file", "drop", "keep", "remove-redundant");
        DesensitizeOptions fromSettings = e.Settings.ToDesensitizeOptions(
            profile, scheme, keyFile is null ? null : Path.GetFullPath(keyFile));
        return DesensitizeStage.Create(fromSettings with
        {
            DropFields = [.. fromSettings.DropFields, .. drop],
            KeepFields = [.. fromSettings.KeepFields, .. keep],
            RemoveRedundant = redundant,
        });
    }

    private static SinkPlan SchemaSink(StepOptions o, RunEnvironment e)
    {
        bool all = o.GetBool("all") ?? false;
        TableFormat format = ParseEnum<TableFormat>(o, "format", TableFormat.Tsv);
        if (format == TableFormat.Parquet)
        {
            throw o.Error(o.At, "format must be tsv, csv or json, not 'parquet' (a pipeline's tables go to stdout; schema --format parquet --output FILE writes Parquet)");
        }

        o.EnsureAllUsed("all", "format");
        var aggregate = new SchemaAggregate(new SchemaOptions { All = all });
        return new SinkPlan(new AggregateSink<SchemaPartial>(aggregate), output => ResultTables.WriteSchema(aggregate, format, output));
    }

    private static SinkPlan PartsSink(StepOptions o, RunEnvironment e, OutputParts.Format format)
    {
        string output = o.GetRequiredString("out");
        PartsSinkOptions defaults = e.Settings.ToPartsSinkOptions(output);
        PartsSinkOptions options = defaults with
        {
            MaxEventsPerPart = o.GetInt("max-file-size") ?? defaults.MaxEventsPerPart,
            Gzip = o.GetBool("gzip"),
            Overwrite = o.GetBool("overwrite") ?? false,
            Shard = OutputParts.ShardIndex(e.Parse),
        };
        o.EnsureAllUsed("out", "max-file-size", "gzip", "overwrite");
        var (sink, parts) = OutputParts.Create(format, options);
        return new SinkPlan(sink, _ => OutputParts.ReportAsync(e.Parse, o.Step, output, parts()).GetAwaiter().GetResult());
    }

    private static T ParseEnum<T>(StepOptions o, string name, T fallback)
        where T : struct, Enum
    {
        string? text = o.GetString(name);
        if (text is null)
        {
            return fallback;
        }

        return Enum.TryParse(text, ignoreCase: true, out T value)
            ? value
            : throw o.Error(o.At, $"option '{name}' of '{o.Step}' must be one of {string.Join(", ", Enum.GetNames<T>()).ToLowerInvariant()}, not '{text}'");
    }

    internal static void Register(string name, Func<StepOptions, RunEnvironment, IEventStage> factory) => s_stages[name] = factory;

    internal static void RegisterSink(string name, Func<StepOptions, RunEnvironment, SinkPlan> factory) => s_sinks[name] = factory;

    internal static string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"stages: {(s_stages.Count == 0 ? "(none yet)" : string.Join(", ", s_stages.Keys))}; sinks: {string.Join(", ", s_sinks.Keys)}");
}
