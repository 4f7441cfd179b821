using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace XAnalytics.Cli.Pipelines;

/// <summary>
/// A pipeline declared in YAML: a source, a list of stages with options, and a sink.
/// </summary>
/// <example>
/// <code>
/// description: Desensitize a course archive for research.
/// source: { only-gz: true }
/// stages:
///   - decode-browser-event
///   - desensitize: { profile: strict }
/// sink:
///   json-parts: { max-file-size: 20000 }
/// </code>
/// </example>
internal sealed class PipelineFile
{
    private PipelineFile(string path, string? description, StepOptions source, IReadOnlyList<PipelineStep> stages, PipelineStep sink)
    {
        Path = path;
        Description = description;
        Source = source;
        Stages = stages;
        Sink = sink;
    }

    public string Path { get; }

    public string? Description { get; }

    public StepOptions Source { get; }

    public IReadOnlyList<PipelineStep> Stages { get; }

    public PipelineStep Sink { get; }

    /// <summary>Reads and checks the file's shape; step names and options are checked by the catalog.</summary>
    public static PipelineFile Load(string path, IReadOnlyDictionary<string, string> sourceOverrides, IReadOnlyDictionary<string, string> sinkOverrides)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new PipelineFileException($"{path}:{e.Start.Line}:{e.Start.Column}: invalid YAML: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PipelineFileException($"{path}: cannot be read: {e.Message}", e);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new PipelineFileException($"{path}: a pipeline file is one YAML mapping with 'source', 'stages' and 'sink'");
        }

        string? description = null;
        StepOptions? source = null;
        var stages = new List<PipelineStep>();
        PipelineStep? sink = null;
        foreach ((YamlNode keyNode, YamlNode value) in root.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            switch (key)
            {
                case "description":
                    description = (value as YamlScalarNode)?.Value;
                    break;
                case "source":
                    source = new StepOptions(path, "source", value, AsOptions(path, "source", value)) { Overrides = sourceOverrides };
                    break;
                case "stages":
                    if (value is not YamlSequenceNode list)
                    {
                        throw StepOptions.Error(path, value, "'stages' must be a list of stages");
                    }

                    foreach (YamlNode item in list.Children)
                    {
                        stages.Add(Step(path, item, new Dictionary<string, string>()));
                    }

                    break;
                case "sink":
                    sink = Step(path, value, sinkOverrides);
                    break;
                default:
                    throw StepOptions.Error(path, keyNode, $"unknown key '{key}' (a pipeline has description, source, stages and sink)");
            }
        }

        source ??= new StepOptions(path, "source", root, null) { Overrides = sourceOverrides };
        if (sink is null)
        {
            throw StepOptions.Error(path, root, "the pipeline has no 'sink'");
        }

        return new PipelineFile(path, description, source, stages, sink);
    }

    /// <summary>A step is a bare name (<c>- decode-browser-event</c>) or a one-key mapping of name to options.</summary>
    private static PipelineStep Step(string path, YamlNode node, IReadOnlyDictionary<string, string> overrides)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } name })
        {
            return new PipelineStep(name, new StepOptions(path, name, node, null) { Overrides = overrides });
        }

        if (node is YamlMappingNode { Children.Count: 1 } mapping)
        {
            (YamlNode key, YamlNode value) = mapping.Children.First();
            string stepName = ((YamlScalarNode)key).Value ?? string.Empty;
            return new PipelineStep(stepName, new StepOptions(path, stepName, key, AsOptions(path, stepName, value)) { Overrides = overrides });
        }

        throw StepOptions.Error(path, node, "a step is a name, or a name with its options (name: { option: value })");
    }

    private static YamlMappingNode? AsOptions(string path, string step, YamlNode value) => value switch
    {
        YamlMappingNode mapping => mapping,
        YamlScalarNode { Value: null or "" } => null,
        _ => throw StepOptions.Error(path, value, $"the options of '{step}' must be a mapping (option: value)"),
    };
}
