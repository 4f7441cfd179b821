using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace XAnalytics.Cli.Pipelines;

/// <summary>
/// The options of one step (source, stage or sink) of a pipeline file, read with types; every error names the
/// file, line and column. A step's factory reads what it knows and then calls <see cref="EnsureAllUsed"/>, so
/// an option nobody reads (a typo) is an error, not silently ignored.
/// </summary>
internal sealed class StepOptions
{
    private readonly Dictionary<string, YamlNode> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public StepOptions(string file, string step, YamlNode at, YamlMappingNode? options)
    {
        File = file;
        Step = step;
        At = at;
        if (options is null)
        {
            return;
        }

        foreach ((YamlNode key, YamlNode value) in options.Children)
        {
            string name = ((YamlScalarNode)key).Value ?? string.Empty;
            if (!_values.TryAdd(name, value))
            {
                throw Error(key, $"option '{name}' is given twice");
            }
        }
    }

    public string File { get; }

    public string Step { get; }

    public YamlNode At { get; }

    /// <summary>Values given on the command line for this run (--in, --out), which the file's own values yield to.</summary>
    public IReadOnlyDictionary<string, string> Overrides { get; init; } = new Dictionary<string, string>();

    public string? GetString(string name)
    {
        if (Overrides.TryGetValue(name, out string? over))
        {
            _used.Add(name);
            return over;
        }

        if (!_values.TryGetValue(name, out YamlNode? node))
        {
            return null;
        }

        _used.Add(name);
        return node is YamlScalarNode scalar ? scalar.Value : throw Error(node, $"option '{name}' of '{Step}' must be a single value");
    }

    public string GetRequiredString(string name)
        => GetString(name) ?? throw Error(At, $"'{Step}' needs the option '{name}'");

    public int? GetInt(string name)
    {
        string? text = GetString(name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw Error(_values.GetValueOrDefault(name) ?? At, $"option '{name}' of '{Step}' must be a whole number, not '{text}'");
    }

    public bool? GetBool(string name)
    {
        string? text = GetString(name);
        return text switch
        {
            null => null,
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw Error(_values.GetValueOrDefault(name) ?? At, $"option '{name}' of '{Step}' must be true or false, not '{text}'"),
        };
    }

    public IReadOnlyList<string> GetList(string name)
    {
        if (!_values.TryGetValue(name, out YamlNode? node))
        {
            string? single = Overrides.GetValueOrDefault(name);
            if (single is not null)
            {
                _used.Add(name);
            }

            return single is null ? [] : [single];
        }

        _used.Add(name);
        return node switch
        {
            YamlScalarNode scalar => scalar.Value is null ? [] : [scalar.Value],
            YamlSequenceNode sequence => [.. sequence.Children.Select(c => c is YamlScalarNode s ? s.Value ?? string.Empty : throw Error(c, $"items of '{name}' must be single values"))],
            _ => throw Error(node, $"option '{name}' of '{Step}' must be a value or a list"),
        };
    }

    /// <summary>Fails on the first option nobody read, naming it and what the step accepts.</summary>
    public void EnsureAllUsed(params string[] known)
    {
        foreach ((string name, YamlNode node) in _values)
        {
            if (!_used.Contains(name))
            {
                string accepted = known.Length == 0 ? "no options" : "options " + string.Join(", ", known);
                throw Error(node, $"unknown option '{name}' for '{Step}' (it takes {accepted})");
            }
        }
    }

    public PipelineFileException Error(YamlNode node, string message) => Error(File, node, message);

    public static PipelineFileException Error(string file, YamlNode node, string message)
        => new($"{file}:{node.Start.Line}:{node.Start.Column}: {message}");
}
