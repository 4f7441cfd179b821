using System.Globalization;
using System.Text;

namespace XAnalytics.Benchmarks.Compare;

/// <summary>
/// <c>memory [--events 200000,1000000] [--files F] [--runs R]</c>: peak memory of <c>xanalytics count --by
/// event_type</c> over archives of several sizes. The engine streams with bounded blocks, so the peak should not
/// grow with the archive.
/// </summary>
internal static class MemoryCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var o = new CompareOptions(args.Contains("--events") ? args : [.. args, "--events", "200000,1000000"]);
        TextWriter log = Console.Error;
        (string, string[]) cli = o.Cli is { } path ? (path, []) : await CompareCommand.BuildCliAsync(o.NoBuild, log).ConfigureAwait(false);
        string work = Path.Combine(BenchPaths.CacheRoot, "work", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var sb = new StringBuilder();
        sb.Append("| Events | Files | JSON | gzip | median time | peak RSS (max of runs) |\n|---:|---:|---:|---:|---:|---:|\n");
        foreach (long events in o.EventSizes)
        {
            ArchiveInfo archive = await ArchiveCache.EnsureInfoAsync(new ArchiveSpec(events, o.Files, o.Seed, o.Shape, o.Learners, o.Courses), log).ConfigureAwait(false);
            ToolRun run = Tools.XAnalyticsCount("event_type")(new CompareContext(archive, cli, o.Threads, work));
            var times = new List<TimeSpan>();
            long peak = 0;
            for (int r = 0; r < o.Runs; r++)
            {
                Measurement m = await ChildMeasure.RunAsync(run.FileName, run.Arguments, work, run.Environment).ConfigureAwait(false);
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{events:N0} events: {m.Elapsed.TotalSeconds:F2} s, peak {CompareCommand.Mb(m.PeakRssBytes)}, exit {m.ExitCode}")).ConfigureAwait(false);
                times.Add(m.Elapsed);
                peak = Math.Max(peak, m.PeakRssBytes ?? 0);
            }

            times.Sort();
            TimeSpan median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[(times.Count / 2) - 1] + times[times.Count / 2]) / 2;
            sb.Append(CultureInfo.InvariantCulture,
                $"| {events:N0} | {archive.Files} | {archive.JsonBytes / 1e6:N0} MB | {archive.CompressedBytes / 1e6:N0} MB | {median.TotalSeconds:F2} s | {CompareCommand.Mb(peak)} |\n");
        }

        Console.Out.Write(sb.ToString());
        return 0;
    }
}
