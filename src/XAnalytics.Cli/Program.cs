using System.CommandLine;
using XAnalytics.Cli.Commands;

namespace XAnalytics.Cli;

internal static class Program
{
    // Commands map their own failures to exit codes (CommandRunner.GuardAsync); parse errors print usage.
    public static Task<int> Main(string[] args) => BuildRoot().Parse(args).InvokeAsync();

    /// <summary>The command tree (tests invoke it in-process with their own output writers).</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "xanalytics: fast analytics over Open edX tracking logs (gzip JSON lines, whole directory trees).\n"
            + "Settings come from /etc/xanalytics[.yaml], ~/.xanalytics[.yaml], --config FILE or $XANALYTICS_CONFIG, then --set key=value.")
        {
            DemoCommand.Create(),
            CountCommand.Create(),
            ReportCommand.Create(),
            GenerateCommand.Create(),
            CiaCommand.Create(),
        };
        root.Options.Add(GlobalOptions.Config);
        root.Options.Add(GlobalOptions.Set);
        return root;
    }
}
