using System.Diagnostics;
using System.Globalization;
using System.Text;

using XAnalytics.Generation;

namespace XAnalytics.Benchmarks.Compare;

/// <summary>
/// <c>compare [--events N] [--files F] [--seed S] [--runs R] [--warmup W] [--threads T] [--dir DIR] [--peers a,b] [--jobs a,b] [--cli PATH] [--no-build]</c>:
/// runs every job (or those whose names contain one of <c>--jobs</c>) with XAnalytics and each peer, alternating, and prints a Markdown table of medians.
/// </summary>
internal static class CompareCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var o = new CompareOptions(args);
        TextWriter log = Console.Error;
        ArchiveInfo archive = o.Dir is { } dir
            ? DescribeDirectory(dir)
            : await ArchiveCache.EnsureInfoAsync(new ArchiveSpec(o.Events, o.Files, o.Seed, o.Shape, o.Learners, o.Courses), log).ConfigureAwait(false);
        (string, string[]) cli = o.Cli is { } path ? CliFromPath(path) : await BuildCliAsync(o.NoBuild, log).ConfigureAwait(false);
        string work = Path.Combine(BenchPaths.CacheRoot, "work", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var context = new CompareContext(archive, cli, o.Threads, work);

        var rows = new List<JobRow>();
        var notes = new List<string>();
        foreach (CompareJob job in Jobs.All)
        {
            if (o.Jobs is { } only && !Array.Exists(only, j => job.Name.Contains(j, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var tools = new List<ToolRun> { job.XAnalytics(context) };
            foreach (Func<CompareContext, ToolRun?> peer in job.Peers)
            {
                if (peer(context) is { } run && (o.Peers is null || o.Peers.Contains(run.Tool, StringComparer.OrdinalIgnoreCase)))
                {
                    tools.Add(run);
                }
            }

            if (job.Prepare is { } prepare)
            {
                Directory.CreateDirectory(context.WorkDir);
                await prepare(context, log).ConfigureAwait(false);
            }

            rows.Add(await RunJobAsync(job.Name, tools, o, context, notes, log).ConfigureAwait(false));
        }

        string report = Render(rows, notes, archive, o, args);
        Console.Out.Write(report);
        string results = Path.Combine(BenchPaths.CacheRoot, "results");
        Directory.CreateDirectory(results);
        string file = Path.Combine(results, $"compare-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md");
        await File.WriteAllTextAsync(file, report).ConfigureAwait(false);
        await log.WriteLineAsync($"table written to {file}").ConfigureAwait(false);
        TryDelete(work);
        return 0;
    }

    private static async Task<JobRow> RunJobAsync(string name, List<ToolRun> tools, CompareOptions o, CompareContext context, List<string> notes, TextWriter log)
    {
        var times = tools.ToDictionary(static t => t.Tool, static _ => new List<Measurement>());
        Dictionary<string, long>? reference = null;
        var checkedTools = new HashSet<string>();
        int total = o.Warmup + o.Runs;
        for (int r = 0; r < total; r++)
        {
            // Rotate who goes first, so no tool always runs right after the same neighbour.
            for (int k = 0; k < tools.Count; k++)
            {
                ToolRun tool = tools[(k + r) % tools.Count];
                Measurement m = await ChildMeasure.RunAsync(tool.FileName, tool.Arguments, context.WorkDir, tool.Environment).ConfigureAwait(false);
                bool warm = r < o.Warmup;
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"[{name}] {(warm ? "warm-up" : $"run {r - o.Warmup + 1}/{o.Runs}")} {tool.Tool,-10} {m.Elapsed.TotalSeconds,7:F2} s  peak {Mb(m.PeakRssBytes),8}  cpu {m.CpuTime.TotalSeconds,6:F1} s  exit {m.ExitCode}")).ConfigureAwait(false);
                if (!tool.OkExitCodes.Contains(m.ExitCode))
                {
                    throw new InvalidOperationException($"{tool.Tool} failed with exit code {m.ExitCode}:\n{Tail(m.Stderr)}");
                }

                if (tool.CountsOnStdout && checkedTools.Add(tool.Tool))
                {
                    Dictionary<string, long> counts = ReadCounts(m.Stdout);
                    if (tool.Tool == Tools.XAnalyticsName)
                    {
                        reference = counts;
                    }
                    else if (reference is not null && Disagreement(tool.Tool, reference, counts) is { } warning)
                    {
                        notes.Add($"{name}: {warning}");
                        await log.WriteLineAsync("WARNING: " + warning).ConfigureAwait(false);
                    }
                }

                if (!warm)
                {
                    times[tool.Tool].Add(m);
                }
            }
        }

        long events = reference is null ? context.Archive.Events : reference.Values.Sum();
        return new JobRow(name, events, tools.ConvertAll(t => new ToolResult(t.Tool, Median(times[t.Tool], static m => m.Elapsed), Median(times[t.Tool], static m => m.CpuTime), times[t.Tool].Max(static m => m.PeakRssBytes ?? 0))));
    }

    /// <summary>A warning when a peer's counts are not XAnalytics' counts, saying by how much; null when they agree.</summary>
    internal static string? Disagreement(string tool, Dictionary<string, long> expected, Dictionary<string, long> actual)
    {
        long e = expected.Values.Sum();
        long a = actual.Values.Sum();
        var differing = new List<string>();
        foreach (string key in expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal))
        {
            long x = expected.GetValueOrDefault(key);
            long y = actual.GetValueOrDefault(key);
            if (x != y)
            {
                differing.Add(string.Create(CultureInfo.InvariantCulture, $"'{key}' {y:N0} vs {x:N0}"));
            }
        }

        if (differing.Count == 0)
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{tool} counted {a:N0} events, XAnalytics {e:N0} ({a - e:+#,0;-#,0;0}, {(e == 0 ? 0 : (a - e) * 100.0 / e):+0.000;-0.000}%); "
            + $"{differing.Count} of {expected.Count} values differ: {string.Join(", ", differing.Take(5))}{(differing.Count > 5 ? ", ..." : "")}");
    }

    internal static Dictionary<string, long> ReadCounts(string tsv)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string line in tsv.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int tab = line.LastIndexOf('\t');
            if (tab >= 0 && long.TryParse(line.AsSpan(tab + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n))
            {
                string key = line[..tab];
                counts[key] = counts.GetValueOrDefault(key) + n;
            }
        }

        return counts;
    }

    private static TimeSpan Median(List<Measurement> runs, Func<Measurement, TimeSpan> value)
    {
        List<TimeSpan> sorted = runs.ConvertAll(m => value(m));
        sorted.Sort();
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static string Render(List<JobRow> rows, List<string> notes, ArchiveInfo archive, CompareOptions o, string[] args)
    {
        var peers = rows.SelectMany(static r => r.Results.Skip(1).Select(static t => t.Tool)).Distinct().ToList();
        var sb = new StringBuilder();
        sb.Append("## XAnalytics compared with its peers\n\n");
        foreach (string line in MachineInfo.Describe(o.Threads))
        {
            sb.Append("- ").Append(line).Append('\n');
        }

        sb.Append(CultureInfo.InvariantCulture, $"- Archive: {archive.Files} gzip files, {archive.Lines:N0} lines, {archive.JsonBytes / 1e6:N0} MB JSON, {archive.CompressedBytes / 1e6:N0} MB gzip ({archive.Directory})\n");
        sb.Append(CultureInfo.InvariantCulture, $"- Method: each tool in a child process, {o.Runs} timed runs each after {o.Warmup} warm-up, tools alternating; median wall time and median CPU time (user + system); peak = max RSS of the child over the timed runs (getrusage). The ÷ columns are peer / XAnalytics: above 1 means XAnalytics is faster. On a shared machine CPU time is the steadier figure.\n");
        sb.Append("- Command: `dotnet run -c Release --project perf/XAnalytics.Benchmarks -- compare ").Append(string.Join(' ', args)).Append("`\n\n");

        sb.Append("| Job | XAnalytics | CPU | events/s | peak RSS |");
        foreach (string p in peers)
        {
            sb.Append(CultureInfo.InvariantCulture, $" {p} | CPU | peak RSS | {p} ÷ XAnalytics time | CPU ÷ |");
        }

        sb.Append("\n|---|---:|---:|---:|---:|");
        foreach (string _ in peers)
        {
            sb.Append("---:|---:|---:|---:|---:|");
        }

        sb.Append('\n');
        foreach (JobRow row in rows)
        {
            ToolResult x = row.Results[0];
            sb.Append(CultureInfo.InvariantCulture, $"| {row.Name} | {Seconds(x.Median)} | {Seconds(x.Cpu)} | {row.Events / x.Median.TotalSeconds:N0} | {Mb(x.PeakRss)} |");
            foreach (string p in peers)
            {
                ToolResult? t = row.Results.Find(r => r.Tool == p);
                sb.Append(t is null
                    ? " — | — | — | — | — |"
                    : string.Create(CultureInfo.InvariantCulture, $" {Seconds(t.Median)} | {Seconds(t.Cpu)} | {Mb(t.PeakRss)} | {t.Median / x.Median:F2}× | {t.Cpu / x.Cpu:F2}× |"));
            }

            sb.Append('\n');
        }

        if (notes.Count > 0)
        {
            sb.Append('\n');
            foreach (string note in notes)
            {
                sb.Append("> Warning: ").Append(note).Append('\n');
            }
        }

        return sb.ToString();
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s";

    internal static string Mb(long? bytes) => bytes is > 0 ? (bytes.Value / 1048576.0).ToString("N0", CultureInfo.InvariantCulture) + " MiB" : "n/a";

    private static string Tail(string s) => s.Length > 2000 ? s[^2000..] : s;

    private static ArchiveInfo DescribeDirectory(string dir)
    {
        string full = Path.GetFullPath(dir);
        var files = Directory.GetFiles(full, "*.gz", SearchOption.AllDirectories);
        return new ArchiveInfo(full, 0, 0, 0, files.Sum(static f => new FileInfo(f).Length), files.Length);
    }

    private static (string, string[]) CliFromPath(string path)
        => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ("dotnet", [path]) : (path, []);

    /// <summary>
    /// Publishes the CLI as it would be deployed for batch runs (Release, self-contained for this machine's runtime
    /// identifier, one ReadyToRun composite image with the framework) so the figures are of the code as it is, and
    /// returns its app host. Precompiling matters here: a plain build jits about 860 methods at start-up (0.21 s for
    /// a one-event count, 0.07 s published so), a tenth of a whole run over the 1M-event archive.
    /// </summary>
    internal static async Task<(string, string[])> BuildCliAsync(bool noBuild, TextWriter log)
    {
        string root = BenchPaths.RepositoryRoot() ?? throw new InvalidOperationException("Cannot find XAnalytics.sln above the benchmark program; pass --cli PATH.");
        string project = Path.Combine(root, "src", "XAnalytics.Cli");
        string rid = (OperatingSystem.IsWindows() ? "win-" : OperatingSystem.IsMacOS() ? "osx-" : "linux-")
            + System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        string bin = Path.Combine(project, "bin", "Release", "net10.0", rid, "publish");
        if (!noBuild)
        {
            await log.WriteLineAsync($"publishing src/XAnalytics.Cli (Release, {rid}, self-contained ReadyToRun composite; about a minute) ...").ConfigureAwait(false);
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
            foreach (string a in (string[])["publish", project, "-c", "Release", "-r", rid, "--self-contained", "true", "-o", bin, "--nologo", "-v", "q"])
            {
                start.ArgumentList.Add(a);
            }

            using Process build = Process.Start(start)!;
            string output = await build.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
            await build.WaitForExitAsync().ConfigureAwait(false);
            if (build.ExitCode != 0)
            {
                throw new InvalidOperationException("Publishing the CLI failed:\n" + output);
            }
        }

        string host = Path.Combine(bin, OperatingSystem.IsWindows() ? "xanalytics.exe" : "xanalytics");
        string dll = Path.Combine(bin, "xanalytics.dll");
        return File.Exists(host) ? (host, []) : File.Exists(dll) ? ("dotnet", [dll]) : throw new FileNotFoundException("The CLI is not published.", dll);
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed record ToolResult(string Tool, TimeSpan Median, TimeSpan Cpu, long PeakRss);

    private sealed record JobRow(string Name, long Events, List<ToolResult> Results);
}

/// <summary>The command line of <c>compare</c> (and <c>memory</c>).</summary>
internal sealed class CompareOptions
{
    public CompareOptions(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value.");
            switch (a)
            {
                case "--events": EventSizes = [.. Next().Split(',').Select(static s => long.Parse(s.Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture))]; break;
                case "--files": Files = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seed": Seed = ulong.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--runs": Runs = Math.Max(1, int.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--warmup": Warmup = Math.Max(0, int.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--threads": Threads = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--dir": Dir = Next(); break;
                case "--cli": Cli = Next(); break;
                case "--peers": Peers = Next().Split(',', StringSplitOptions.RemoveEmptyEntries); break;
                case "--jobs": Jobs = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--no-build": NoBuild = true; break;
                case "--shape":
                    Shape = Next() switch
                    {
                        "synthetic" => ArchiveShape.Synthetic,
                        "real" => ArchiveShape.RealLog,
                        string other => throw new ArgumentException($"--shape is synthetic or real, not '{other}'."),
                    };
                    break;
                case "--learners": Learners = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--courses": Courses = int.Parse(Next(), CultureInfo.InvariantCulture) is >= 1 and int c ? c : throw new ArgumentException("--courses must be at least 1."); break;
                default: throw new ArgumentException($"Unknown argument '{a}'.");
            }
        }
    }

    public long[] EventSizes { get; private set; } = [1_000_000];
    public long Events => EventSizes[0];
    public int Files { get; private set; } = 8;
    public ulong Seed { get; private set; } = 1;
    public int Runs { get; private set; } = 3;
    public int Warmup { get; private set; } = 1;
    public int Threads { get; private set; } = Environment.ProcessorCount;
    public string? Dir { get; private set; }
    public string? Cli { get; private set; }
    public string[]? Peers { get; private set; }
    public string[]? Jobs { get; private set; }
    public bool NoBuild { get; private set; }
    public ArchiveShape Shape { get; private set; } = ArchiveShape.Synthetic;
    public int? Learners { get; private set; }
    public int? Courses { get; private set; }
}
