using System.CommandLine;
using XAnalytics.Pipeline;
using XAnalytics.Settings;
using XAnalytics.Sinks;

namespace XAnalytics.Cli.Output;

/// <summary>The output options of commands that write parts (desensitize, filter), and the sink they make.</summary>
internal sealed class OutputParts
{
    public enum Format
    {
        Json,
        Bson,
    }

    public Option<Format> OutFormat { get; } = new("--outformat")
    {
        Description = "Output parts as json (gzip JSON lines, the default) or bson (length-prefixed BSON documents).",
        DefaultValueFactory = _ => Format.Json,
    };

    public Option<bool> Overwrite { get; } = new("--overwrite")
    {
        Description = "Replace the parts and manifest already in OUT.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(OutFormat);
        command.Options.Add(Overwrite);
    }

    /// <summary>The sink for OUT, and how to read back what it wrote once the run is over.</summary>
    public (IEventSink Sink, Func<IReadOnlyList<PartInfo>> Parts) Create(
        ParseResult result, XAnalyticsSettings settings, string outputDirectory, IReadOnlyDictionary<string, string>? manifest = null)
    {
        PartsSinkOptions options = settings.ToPartsSinkOptions(outputDirectory);
        return Create(result.GetValue(OutFormat), options with
        {
            Overwrite = result.GetValue(Overwrite),
            Shard = ShardIndex(result),
            ManifestProperties = manifest ?? options.ManifestProperties,
        });
    }

    public static (IEventSink Sink, Func<IReadOnlyList<PartInfo>> Parts) Create(Format format, PartsSinkOptions options)
    {
        if (format == Format.Bson)
        {
            var bson = new BsonPartsSink(options);
            return (bson, () => bson.Parts);
        }

        var json = new JsonPartsSink(options);
        return (json, () => json.Parts);
    }

    /// <summary>The index of <c>--shard i/N</c> when the command was given one (its parts are then named by it), else null.</summary>
    public static int? ShardIndex(ParseResult result)
        => result.GetValue<string?>("--shard") is { } shard ? ShardSelection.Parse(shard).Index : null;

    /// <summary>One line on stderr saying what was written where.</summary>
    public static async Task ReportAsync(ParseResult result, string command, string outputDirectory, IReadOnlyList<PartInfo> parts)
    {
        long events = 0;
        foreach (PartInfo part in parts)
        {
            events += part.Events;
        }

        await result.InvocationConfiguration.Error.WriteLineAsync(
            $"{command}: {events} events in {parts.Count} parts, manifest {Path.Combine(Path.GetFullPath(outputDirectory), PartsManifest.FileName)}");
    }
}
