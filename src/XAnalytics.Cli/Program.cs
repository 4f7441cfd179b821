using System.CommandLine;
using XAnalytics.Cli.Commands;

namespace XAnalytics.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("xanalytics: a fast engine for Open edX tracking logs.")
        {
            CiaCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
