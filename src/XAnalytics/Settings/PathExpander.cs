using System.Text;

namespace XAnalytics.Settings;

/// <summary>
/// Expands a leading <c>~</c> and <c>$VAR</c>/<c>${VAR}</c> in path values, shell-style. Unlike a shell, an unset
/// variable is an error rather than an empty string: <c>$DATA/logs</c> silently becoming <c>/logs</c> would send
/// the engine to the wrong directory. <c>$$</c> is a literal <c>$</c>; a <c>$</c> not followed by a name is kept.
/// </summary>
internal static class PathExpander
{
    public static string Expand(RawSetting setting, SettingsContext context)
    {
        string value = setting.Value ?? string.Empty;
        var builder = new StringBuilder(value.Length + 32);
        int i = 0;

        if (value.Length > 0 && value[0] == '~' && (value.Length == 1 || value[1] == '/' || value[1] == Path.DirectorySeparatorChar))
        {
            if (string.IsNullOrEmpty(context.HomeDirectory))
            {
                throw Error(setting, "starts with '~' but the home directory is not known.");
            }

            builder.Append(context.HomeDirectory.TrimEnd('/', Path.DirectorySeparatorChar));
            i = 1;
            if (value.Length == 1)
            {
                return builder.Length == 0 ? "/" : builder.ToString();
            }
        }

        while (i < value.Length)
        {
            char c = value[i];
            if (c != '$' || i + 1 == value.Length)
            {
                builder.Append(c);
                i++;
                continue;
            }

            char next = value[i + 1];
            if (next == '$')
            {
                builder.Append('$');
                i += 2;
            }
            else if (next == '{')
            {
                int close = value.IndexOf('}', i + 2);
                if (close < 0)
                {
                    throw Error(setting, $"has '${{' without a closing '}}' in '{value}'.");
                }

                string name = value[(i + 2)..close];
                if (!IsName(name))
                {
                    throw Error(setting, $"has an invalid variable name '${{{name}}}' in '{value}'.");
                }

                builder.Append(Lookup(setting, context, name));
                i = close + 1;
            }
            else if (IsNameStart(next))
            {
                int end = i + 2;
                while (end < value.Length && IsNamePart(value[end]))
                {
                    end++;
                }

                builder.Append(Lookup(setting, context, value[(i + 1)..end]));
                i = end;
            }
            else
            {
                builder.Append(c);
                i++;
            }
        }

        return builder.ToString();
    }

    private static string Lookup(RawSetting setting, SettingsContext context, string name) =>
        context.Environment(name) ?? throw Error(setting, $"refers to environment variable '{name}', which is not set.");

    private static bool IsName(string name)
    {
        if (name.Length == 0 || !IsNameStart(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!IsNamePart(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static SettingsException Error(RawSetting setting, string problem) =>
        new(
            $"{setting.Location}: '{setting.Key}' {problem}",
            setting.Key,
            setting.FromFile ? setting.Source : null,
            setting.FromFile ? setting.Line : null,
            setting.FromFile ? setting.Column : null);
}
