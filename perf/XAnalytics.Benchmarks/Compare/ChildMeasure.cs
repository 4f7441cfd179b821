using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace XAnalytics.Benchmarks.Compare;

/// <summary>What one measured child process did.</summary>
/// <param name="Elapsed">Wall-clock time from start to exit.</param>
/// <param name="PeakRssBytes">Peak resident set of the child (the largest of its own children for a pipeline); null where unknown.</param>
/// <param name="CpuTime">User + system CPU time of the child and the children it waited for.</param>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="Stdout">What it wrote to stdout.</param>
/// <param name="Stderr">What it wrote to stderr.</param>
internal sealed record Measurement(TimeSpan Elapsed, long? PeakRssBytes, TimeSpan CpuTime, int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs a command in a child process and measures its time and peak memory.
/// </summary>
/// <remarks>
/// Peak memory is <c>getrusage(RUSAGE_CHILDREN).ru_maxrss</c>, which is a maximum over every child ever waited
/// for, not a per-child figure. So each measurement goes through a fresh wrapper process (this program's
/// <c>measure</c> mode) that starts exactly one child: its figure is that child's peak, exactly, with no
/// sampling. The wrapper's own start-up is outside the timed span.
/// </remarks>
internal static partial class ChildMeasure
{
    private const int RusageChildren = -1;

    /// <summary>Measures <paramref name="fileName"/> with <paramref name="arguments"/> through a wrapper process.</summary>
    public static async Task<Measurement> RunAsync(string fileName, IReadOnlyList<string> arguments, string workDir,
        IReadOnlyList<KeyValuePair<string, string>>? environment = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(workDir);
        string id = Guid.NewGuid().ToString("N")[..12];
        string result = Path.Combine(workDir, $"{id}.result");
        string stdout = Path.Combine(workDir, $"{id}.out");
        string stderr = Path.Combine(workDir, $"{id}.err");
        var wrapperArgs = new List<string> { "measure", result, stdout, stderr };
        foreach ((string name, string value) in environment ?? [])
        {
            wrapperArgs.Add("--env");
            wrapperArgs.Add($"{name}={value}");
        }

        var start = SelfInvocation.StartInfo([.. wrapperArgs, "--", fileName, .. arguments]);
        start.RedirectStandardOutput = false;
        start.RedirectStandardError = false;
        using (Process wrapper = Process.Start(start) ?? throw new InvalidOperationException("Cannot start the measuring wrapper."))
        {
            await wrapper.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (wrapper.ExitCode != 0 || !File.Exists(result))
            {
                throw new InvalidOperationException($"The measuring wrapper failed (exit {wrapper.ExitCode}) for {fileName}.");
            }
        }

        try
        {
            string[] parts = (await File.ReadAllTextAsync(result, cancellationToken).ConfigureAwait(false)).Split(' ');
            long elapsedTicks = long.Parse(parts[0], CultureInfo.InvariantCulture);
            long rss = long.Parse(parts[1], CultureInfo.InvariantCulture);
            long cpuTicks = long.Parse(parts[2], CultureInfo.InvariantCulture);
            int exit = int.Parse(parts[3], CultureInfo.InvariantCulture);
            return new Measurement(
                TimeSpan.FromTicks(elapsedTicks),
                rss > 0 ? rss : null,
                TimeSpan.FromTicks(cpuTicks),
                exit,
                await File.ReadAllTextAsync(stdout, cancellationToken).ConfigureAwait(false),
                await File.ReadAllTextAsync(stderr, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            File.Delete(result);
            File.Delete(stdout);
            File.Delete(stderr);
        }
    }

    /// <summary>
    /// The wrapper: <c>measure RESULT STDOUT STDERR [--env NAME=VALUE]... -- FILE ARGS...</c>. Writes "elapsed-ticks
    /// peak-rss-bytes cpu-ticks exit-code" to RESULT.
    /// </summary>
    public static async Task<int> WrapperMainAsync(string[] args)
    {
        int at = 3;
        var environment = new List<(string Name, string Value)>();
        while (at + 1 < args.Length && args[at] == "--env" && args[at + 1].IndexOf('=', StringComparison.Ordinal) is > 0 and int eq)
        {
            environment.Add((args[at + 1][..eq], args[at + 1][(eq + 1)..]));
            at += 2;
        }

        if (args.Length < at + 2 || args[at] != "--")
        {
            await Console.Error.WriteLineAsync("usage: measure RESULT STDOUT STDERR [--env NAME=VALUE]... -- FILE [ARGS...]").ConfigureAwait(false);
            return 2;
        }

        var start = new ProcessStartInfo(args[at + 1])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (string a in args.AsSpan(at + 2))
        {
            start.ArgumentList.Add(a);
        }

        await using FileStream stdout = File.Create(args[1]);
        await using FileStream stderr = File.Create(args[2]);
        var clock = Stopwatch.StartNew();
        using Process child = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {args[at + 1]}.");
        Task copyOut = child.StandardOutput.BaseStream.CopyToAsync(stdout);
        Task copyErr = child.StandardError.BaseStream.CopyToAsync(stderr);
        await child.WaitForExitAsync().ConfigureAwait(false);
        clock.Stop();
        await Task.WhenAll(copyOut, copyErr).ConfigureAwait(false);

        long rss = 0;
        long cpu = 0;
        if ((OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && GetRusage(RusageChildren, out RUsage usage) == 0)
        {
            // Linux reports kilobytes, macOS bytes.
            rss = OperatingSystem.IsMacOS() ? usage.MaxRss : usage.MaxRss * 1024;
            cpu = ((usage.UserSec + usage.SystemSec) * 1_000_000 + usage.UserMicros + usage.SystemMicros) * 10;
        }

        await File.WriteAllTextAsync(args[0], string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.Ticks} {rss} {cpu} {child.ExitCode}")).ConfigureAwait(false);
        return 0;
    }

    [LibraryImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static partial int GetRusage(int who, out RUsage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSec;
        public long UserMicros;
        public long SystemSec;
        public long SystemMicros;
        public long MaxRss;
        public long IxRss;
        public long IdRss;
        public long IsRss;
        public long MinFlt;
        public long MajFlt;
        public long NSwap;
        public long InBlock;
        public long OuBlock;
        public long MsgSnd;
        public long MsgRcv;
        public long NSignals;
        public long NVcsw;
        public long NIvcsw;
    }
}

/// <summary>How to start this benchmark program again in another mode (as an app host, or through <c>dotnet</c>).</summary>
internal static class SelfInvocation
{
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        string process = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(process) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(process) == "dotnet")
        {
            start.ArgumentList.Add(typeof(SelfInvocation).Assembly.Location);
        }

        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        return start;
    }

    /// <summary>File name and leading arguments that start this program.</summary>
    public static (string FileName, string[] Prefix) Command()
    {
        string process = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? (process, [typeof(SelfInvocation).Assembly.Location])
            : (process, []);
    }
}
