using System.CommandLine;
using System.Runtime.InteropServices;
using XAnalytics.Cli.Commands;

namespace XAnalytics.Cli;

internal static class Program
{
    // Commands map their own failures to exit codes (CommandRunner.GuardAsync); parse errors print usage.
    public static async Task<int> Main(string[] args)
    {
        // Ctrl+C (or SIGTERM) cancels the run: blocks stop, partial outputs are deleted, exit code 130.
        // A second Ctrl+C while cancelling ends the process at once.
        using var cancel = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            if (!cancel.IsCancellationRequested)
            {
                context.Cancel = true;
                cancel.Cancel();
            }
        }

        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        return await BuildRoot().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, cancel.Token);
    }

    /// <summary>The command tree (tests invoke it in-process with their own output writers).</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "xanalytics: fast analytics over Open edX tracking logs (gzip JSON lines, whole directory trees).\n"
            + "Settings come from /etc/xanalytics[.yaml], ~/.xanalytics[.yaml], --config FILE or $XANALYTICS_CONFIG, then --set key=value.")
        {
            DemoCommand.Create(),
            CountCommand.Create(),
            ConvertCommand.Create(),
            CatCommand.Create(),
            SelectCommand.Create(),
            SchemaCommand.Create(),
            ReportCommand.Create(),
            GenerateCommand.Create(),
            RunCommand.Create(),
            DesensitizeCommand.Create(),
            FilterCommand.Create(),
            CiaCommand.Create(),
        };
        root.Options.Add(GlobalOptions.Config);
        root.Options.Add(GlobalOptions.Set);
        return root;
    }
}
