using System.Diagnostics;

namespace XAnalytics.Tests.Deploy;

/// <summary>Runs a deploy script's or manifest's command as a child process, with the tool these tests were built with.</summary>
internal static class DeployProcess
{
    /// <summary>The <c>xanalytics</c> built beside the tests (the CLI project's apphost).</summary>
    public static string Tool => Path.Combine(AppContext.BaseDirectory, "xanalytics");

    /// <summary>Runs <paramref name="command"/> (<c>xanalytics</c> is the tool above; its folder leads PATH), waits at most <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(command[0] == "xanalytics" ? Tool : command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in command.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PATH"] = AppContext.BaseDirectory.TrimEnd('/') + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["XANALYTICS_CONFIG"] = null;
        // The apphost finds the runtime that runs the tests (dotnet test sets DOTNET_HOST_PATH), wherever it is installed.
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && Path.GetDirectoryName(host) is { } root)
        {
            start.Environment["DOTNET_ROOT"] = root;
        }

        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', command)} did not end within {timeout}: {await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
