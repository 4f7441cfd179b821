using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace XAnalytics.Settings;

/// <summary>
/// Reads one configuration file into flat key/value pairs. The document must be a mapping; nested mappings
/// become dotted keys (<c>a: {b: 1}</c> is <c>a.b</c>) so later features can group their keys.
/// </summary>
internal static class YamlSettingsReader
{
    public static List<RawSetting> Read(string path)
    {
        var stream = new YamlStream();
        Scanner? scanner = null;
        try
        {
            using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
            scanner = new Scanner(reader, skipComments: true);
            stream.Load(new Parser(scanner));
        }
        catch (YamlException ex)
        {
            int line = ToInt(ex.Start.Line);
            int column = ToInt(ex.Start.Column);
            throw new SettingsException(
                $"{path}:{line}:{column}: invalid YAML: {StripMarks(ex)}", key: null, path, line, column, ex);
        }
        catch (InvalidOperationException ex) when (scanner is not null)
        {
            // YamlDotNet 18.1.0 throws a bare InvalidOperationException, without a position, for some malformed
            // input (an unclosed flow sequence such as "threads: [1, 2" followed by more keys); the scanner
            // still knows where it stopped.
            int line = ToInt(scanner.CurrentPosition.Line);
            int column = ToInt(scanner.CurrentPosition.Column);
            throw new SettingsException(
                $"{path}:{line}:{column}: invalid YAML: the parser could not continue here (look for an unclosed '[', '{{' or quote above).",
                key: null,
                path,
                line,
                column,
                ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"{path}: cannot read configuration file: {ex.Message}", key: null, path, line: null, column: null, ex);
        }

        var settings = new List<RawSetting>();
        if (stream.Documents.Count == 0)
        {
            return settings;
        }

        if (stream.Documents.Count > 1)
        {
            throw Error(path, stream.Documents[1].RootNode, "a configuration file must hold a single YAML document.");
        }

        YamlNode root = stream.Documents[0].RootNode;
        if (IsNull(root))
        {
            return settings;
        }

        if (root is not YamlMappingNode mapping)
        {
            throw Error(path, root, "a configuration file must be a mapping of keys to values (key: value).");
        }

        Flatten(path, prefix: null, mapping, settings);
        return settings;
    }

    private static void Flatten(string path, string? prefix, YamlMappingNode mapping, List<RawSetting> settings)
    {
        foreach (KeyValuePair<YamlNode, YamlNode> pair in mapping.Children)
        {
            if (pair.Key is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                throw Error(path, pair.Key, "keys must be non-empty plain strings.");
            }

            string key = prefix is null ? name : $"{prefix}.{name}";
            switch (pair.Value)
            {
                case YamlMappingNode nested:
                    Flatten(path, key, nested, settings);
                    break;
                case YamlScalarNode scalar:
                    settings.Add(new RawSetting(
                        key, IsNull(scalar) ? null : scalar.Value, path, ToInt(scalar.Start.Line), ToInt(scalar.Start.Column)));
                    break;
                default:
                    throw Error(path, pair.Value, $"'{key}' must be a single value; lists are not supported.", key);
            }
        }
    }

    // Only a plain (unquoted) scalar can mean null; "~" in quotes is the home directory.
    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static SettingsException Error(string path, YamlNode node, string message, string? key = null)
    {
        int line = ToInt(node.Start.Line);
        int column = ToInt(node.Start.Column);
        return new SettingsException($"{path}:{line}:{column}: {message}", key, path, line, column);
    }

    // YamlException's message starts with "(Line: l, Col: c, Idx: i) - (Line: ...): "; the location is reported our way.
    private static string StripMarks(YamlException ex)
    {
        string message = ex.Message;
        if (message.StartsWith("(Line:", StringComparison.Ordinal))
        {
            // The first mark ends in ") - ", the second in "): ".
            int end = message.IndexOf("): ", StringComparison.Ordinal);
            if (end >= 0)
            {
                return message[(end + 3)..];
            }
        }

        return message;
    }

    private static int ToInt(long value) => value > int.MaxValue ? int.MaxValue : (int)value;
}
