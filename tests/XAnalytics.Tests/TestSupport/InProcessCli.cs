using System.CommandLine;
using XAnalytics.Cli;

namespace XAnalytics.Tests.TestSupport;

/// <summary>Runs the command line in this process, its output and errors captured, within a time limit.</summary>
internal static class InProcessCli
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan limit, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await Program.BuildRoot().Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error })
            .WaitAsync(limit);
        return (exit, output.ToString(), error.ToString());
    }
}
