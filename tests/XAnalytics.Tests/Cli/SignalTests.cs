using System.Diagnostics;
using XAnalytics.Cli;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Cli;

/// <summary>
/// The real command in a child process, stopped by a signal as <c>timeout</c>, a scheduler or a terminal sends it:
/// it ends within about a second, with the signal's exit code, and leaves nothing under a final name and no staging
/// folder. The input is a FIFO no writer opens, so the run is blocked in <c>open()</c>, where a cancellation token
/// does not reach.
/// </summary>
public sealed class SignalTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("TERM", ExitCodes.Terminated)]
    [InlineData("INT", ExitCodes.Cancelled)]
    [InlineData("HUP", ExitCodes.HungUp)]
    public async Task Convert_SignalWhileBlockedInOpen_EndsWithinSecondsNothingPublished(string signal, int expected)
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // POSIX signals and FIFOs
        }

        (string fifo, string output) = Prepare();
        using Process child = StartCli("convert", fifo, output, "--to", "json", "--no-progress");
        await WaitForStagingAsync(child);

        var clock = Stopwatch.StartNew();
        await SendAsync(signal, child.Id);
        int exit = await ExitCodeAsync(child);

        Assert.Equal(expected, exit);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        AssertNothingLeft(output);
    }

    [Fact]
    public async Task Convert_TwoSignals_EndsAtOnceNothingPublished()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // POSIX signals and FIFOs
        }

        (string fifo, string output) = Prepare();
        using Process child = StartCli("convert", fifo, output, "--to", "json", "--no-progress");
        await WaitForStagingAsync(child);

        var clock = Stopwatch.StartNew();
        await SendAsync("TERM", child.Id);
        // The first signal may already have ended it (kill then finds no process): the second is sent only if not.
        await SendAsync("TERM", child.Id, mayHaveExited: child);
        int exit = await ExitCodeAsync(child);

        Assert.Equal(ExitCodes.Terminated, exit);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        AssertNothingLeft(output);
    }

    [Fact]
    public async Task Count_PartialTaskTerminatedMidRead_EndsWithinSecondsNoPartialFile()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // POSIX signals and FIFOs
        }

        // A shard task of a plan over the FIFO, preempted while it reads: exit 143 and no partial, not even a temporary.
        (string fifo, _) = Prepare();
        string plan = _dir.PathOf("plan.json");
        using (var planOutput = new StringWriter())
        {
            int planExit = await Program.BuildRoot().Parse(["plan", fifo, "--shards", "1"])
                .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = planOutput, Error = TextWriter.Null });
            Assert.Equal(ExitCodes.Clean, planExit);
            await File.WriteAllTextAsync(plan, planOutput.ToString());
        }

        string partial = _dir.PathOf("shard-0.xap");
        using Process child = StartCli("count", fifo, "--by", "event_type", "--plan", plan, "--shard", "0/1", "--partial", partial, "--no-progress");
        // Opening the FIFO for writing returns once the task has opened it to read (a task that ended first fails the test).
        Task<FileStream> open = Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write));
        Task done = await Task.WhenAny(open, child.WaitForExitAsync()).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(done == open, "the task ended before it opened its input: " + (child.HasExited ? await child.StandardError.ReadToEndAsync() : string.Empty));
        await using (FileStream writer = await open)
        {
            await writer.WriteAsync(System.Text.Encoding.UTF8.GetBytes("{\"event_type\": \"play_video\", \"time\": \"2015-03-01T10:00:00Z\"}\n"));
            await writer.FlushAsync();
            var clock = Stopwatch.StartNew();
            await SendAsync("TERM", child.Id);
            int exit = await ExitCodeAsync(child);

            Assert.Equal(ExitCodes.Terminated, exit);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        }

        Assert.Equal(["in.log", "plan.json"], Directory.GetFileSystemEntries(_dir.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private (string Fifo, string Output) Prepare()
    {
        string fifo = _dir.PathOf("in.log");
        using (Process mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [fifo]) { UseShellExecute = false })!)
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        return (fifo, _dir.PathOf("out"));
    }

    /// <summary>Nothing under the output's name, and no staging folder beside it: the folder holds the FIFO alone.</summary>
    private void AssertNothingLeft(string output)
    {
        Assert.False(Directory.Exists(output));
        Assert.Equal(["in.log"], Directory.GetFileSystemEntries(_dir.Root).Select(Path.GetFileName));
    }

    /// <summary>The built xanalytics.dll (copied beside the tests), run by the dotnet host that runs the tests.</summary>
    private static Process StartCli(params string[] args)
    {
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var info = new ProcessStartInfo(host, [Path.Combine(AppContext.BaseDirectory, "xanalytics.dll"), .. args])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        info.Environment["XANALYTICS_CONFIG"] = null;
        return Process.Start(info)!;
    }

    /// <summary>Waits (with a deadline) until the run has begun: its output's staging folder exists.</summary>
    private async Task WaitForStagingAsync(Process child)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Directory.GetDirectories(_dir.Root, ".out.staging-*").Length == 0)
        {
            if (child.HasExited)
            {
                Assert.Fail("the command ended before its run began: " + await child.StandardError.ReadToEndAsync());
            }

            await Task.Delay(20, deadline.Token);
        }
    }

    private static async Task SendAsync(string signal, int pid, Process? mayHaveExited = null)
    {
        using Process kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0 && mayHaveExited is not null && mayHaveExited.HasExited)
        {
            return;
        }

        Assert.Equal(0, kill.ExitCode);
    }

    private static async Task<int> ExitCodeAsync(Process child)
    {
        try
        {
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            child.Kill(entireProcessTree: true);
            throw;
        }

        return child.ExitCode;
    }
}
