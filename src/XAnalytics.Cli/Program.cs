using System.CommandLine;
using XAnalytics.Cli.Commands;

namespace XAnalytics.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        var root = new RootCommand("xanalytics: fast tools for Open edX tracking logs.");
        root.Subcommands.Add(GenerateCommand.Create());
        return root.Parse(args).InvokeAsync();
    }
}
