using System.CommandLine;
using System.CommandLine.Parsing;
using XAnalytics.Settings;

namespace XAnalytics.Cli.Commands;

/// <summary>
/// Makes an unknown option an error that names it and the nearest known one. System.CommandLine takes a token
/// it does not know for an argument when one can take it, so <c>count logs --bye</c> went looking for an input named
/// <c>--bye</c>, and <c>select logs --field x</c> printed an empty column.
/// </summary>
internal static class UnknownOptions
{
    /// <summary>Adds the check to <paramref name="command"/> and every command under it.</summary>
    public static void AddTo(Command command)
    {
        foreach (Argument argument in command.Arguments)
        {
            argument.Validators.Add(result => Check(result, command));
        }

        foreach (Command sub in command.Subcommands)
        {
            AddTo(sub);
        }
    }

    /// <summary>
    /// The message for an unknown option given to <paramref name="command"/>: it and the nearest known name, else
    /// where to look.
    /// </summary>
    public static string Describe(string token, Command command)
    {
        string? nearest = NameSuggestions.Nearest(token, KnownNames(command));
        return nearest is null ? $"unknown option '{token}' (see '{command.Name} --help')" : $"unknown option '{token}'; did you mean '{nearest}'?";
    }

    /// <summary>Whether a token the parser did not match is meant as an option ("-" alone is standard input).</summary>
    public static bool LooksLikeOption(string token) => token.Length > 1 && token[0] == '-';

    private static void Check(ArgumentResult result, Command command)
    {
        foreach (Token token in result.Tokens)
        {
            // A path that starts with '-' is written ./-name.
            if (LooksLikeOption(token.Value))
            {
                result.AddError(Describe(token.Value, command));
            }
        }
    }

    /// <summary>The command's options and aliases, and those it inherits (--config, --set, --help).</summary>
    private static List<string> KnownNames(Command command)
    {
        var names = new List<string>();
        Add(command, recursiveOnly: false);
        var pending = new Stack<Symbol>(command.Parents);
        while (pending.TryPop(out Symbol? parent))
        {
            if (parent is Command owner)
            {
                Add(owner, recursiveOnly: true);
                foreach (Symbol up in owner.Parents)
                {
                    pending.Push(up);
                }
            }
        }

        return names;

        void Add(Command owner, bool recursiveOnly)
        {
            foreach (Option option in owner.Options)
            {
                if (!recursiveOnly || option.Recursive)
                {
                    names.Add(option.Name);
                    names.AddRange(option.Aliases);
                }
            }
        }
    }
}
