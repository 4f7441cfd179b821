using System.Text.Json;

namespace XAnalytics.Benchmarks.Compare;

/// <summary>One tool's way of doing a job: the command line, and whether stdout holds <c>value TAB count</c> rows to check.</summary>
/// <param name="Tool">The tool's name in the table (one column group per name).</param>
/// <param name="FileName">The program to start.</param>
/// <param name="Arguments">Its arguments.</param>
/// <param name="CountsOnStdout">True when stdout is a count table that must agree with XAnalytics' one.</param>
/// <param name="OkExitCodes">Exit codes that mean the job was done (XAnalytics exits 3 when it rejected lines).</param>
/// <param name="Environment">Variables set for this tool's process alone (e.g. <c>XANALYTICS_INFLATER=zlib</c>).</param>
internal sealed record ToolRun(string Tool, string FileName, IReadOnlyList<string> Arguments, bool CountsOnStdout, IReadOnlyList<int> OkExitCodes,
    IReadOnlyList<KeyValuePair<string, string>>? Environment = null);

/// <summary>What a job's command lines are built from.</summary>
/// <param name="Archive">The archive every tool reads.</param>
/// <param name="Cli">The built <c>xanalytics</c> app host (or dll run through dotnet, with its prefix arguments).</param>
/// <param name="Threads">Threads each tool may use.</param>
/// <param name="WorkDir">A scratch folder for the run (rejects files and the like).</param>
internal sealed record CompareContext(ArchiveInfo Archive, (string FileName, string[] Prefix) Cli, int Threads, string WorkDir);

/// <summary>A row of the comparison: XAnalytics and its peers doing the same thing to the same archive.</summary>
/// <param name="Name">The job's name in the table.</param>
/// <param name="XAnalytics">The XAnalytics command.</param>
/// <param name="Peers">Each peer's command; a peer that cannot run here (not installed) gives null.</param>
internal sealed record CompareJob(string Name, Func<CompareContext, ToolRun> XAnalytics, params Func<CompareContext, ToolRun?>[] Peers)
{
    /// <summary>Run once before the job's timed runs (not timed): e.g. making the BSON copy a job reads.</summary>
    public Func<CompareContext, TextWriter, Task>? Prepare { get; init; }
}

/// <summary>The jobs <c>compare</c> runs. A new job (desensitize, BSON convert, report) is one line here.</summary>
internal static class Jobs
{
    public static IReadOnlyList<CompareJob> All { get; } =
    [
        new("count by event_type", Tools.XAnalyticsCount("event_type"), Tools.DuckDbCount("event_type"), Tools.JqCount("event_type"), Tools.XAnalyticsCountWithoutIsal("event_type"), Tools.InflateOnly()),
        new("desensitize, gzip JSON to gzip JSON parts", Tools.XAnalyticsDesensitize(), Tools.DuckDbDesensitize()) { Prepare = Tools.WriteKeyAsync },
        new("count by event_type, BSON copy", Tools.XAnalyticsCount("event_type", bson: true), Tools.XAnalyticsCountNamed("XAnalytics on gzip JSON", "event_type"))
        {
            Prepare = Tools.EnsureBsonCopyAsync,
        },
        new("report (all CSVs and charts, one pass)", Tools.XAnalyticsReport(), Tools.XAnalyticsCountNamed("XAnalytics count", "event_type")),
        new("sort by username, time to gzip JSON parts", Tools.XAnalyticsSort(), Tools.DuckDbSort()),
        new("learners (sessions, time on task, person-course; records gathered by learner)", Tools.XAnalyticsLearners(sorted: false), Tools.XAnalyticsCountNamed("XAnalytics count", "event_type")),
        new("learners over sort's output (sorted once, untimed)", Tools.XAnalyticsLearners(sorted: true), Tools.XAnalyticsCountNamed("XAnalytics count", "event_type"))
        {
            Prepare = Tools.EnsureSortedCopyAsync,
        },
        new("shard --buckets 16 to gzip JSON parts", Tools.XAnalyticsShard(16), Tools.XAnalyticsConvertNamed("XAnalytics convert")),
    ];
}

/// <summary>Command lines of the tools, per kind of job.</summary>
internal static class Tools
{
    public const string XAnalyticsName = "XAnalytics";
    public const string DuckDbName = "DuckDB";
    public const string JqName = "jq";

    /// <summary><c>xanalytics count DIR --by FIELD --no-progress</c> (over the BSON copy with <paramref name="bson"/>).</summary>
    public static Func<CompareContext, ToolRun> XAnalyticsCount(string field, bool bson = false) => c => Count(XAnalyticsName, c, field, bson);

    /// <summary>The same count on the gzip JSON, as a "peer" column of its own (XAnalytics against itself on another format).</summary>
    public static Func<CompareContext, ToolRun?> XAnalyticsCountNamed(string name, string field) => c => Count(name, c, field, bson: false);

    /// <summary>
    /// The same count with the runtime's zlib-ng inflating (<c>XANALYTICS_INFLATER=zlib</c>) instead of ISA-L, as a
    /// peer column: the accelerator's worth, measured in the same run (on a machine without <c>libisal2</c> both columns
    /// use zlib-ng). Its counts are checked against the accelerated run's like any peer's.
    /// </summary>
    public static Func<CompareContext, ToolRun?> XAnalyticsCountWithoutIsal(string field) =>
        c => Count(WithoutIsalName, c, field, bson: false) with { Environment = [new("XANALYTICS_INFLATER", "zlib")] };

    /// <summary>The name of <see cref="XAnalyticsCountWithoutIsal"/>'s column (and of its <c>--peers</c> entry).</summary>
    public const string WithoutIsalName = "XAnalytics with zlib-ng";

    private static ToolRun Count(string name, CompareContext c, string field, bool bson) => new(
        name,
        c.Cli.FileName,
        [.. c.Cli.Prefix, "count", bson ? BsonCopy(c) : c.Archive.Directory, "--by", field, "--no-progress", "--threads", c.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--rejects", Path.Combine(c.WorkDir, "xanalytics-rejects.tsv")],
        CountsOnStdout: true,
        OkExitCodes: [0, 3]);

    /// <summary><c>xanalytics desensitize DIR OUT</c>: decode, drop redundant context, default profile, keyed pseudonyms, gzip parts.</summary>
    public static Func<CompareContext, ToolRun> XAnalyticsDesensitize() => c => new ToolRun(
        XAnalyticsName,
        c.Cli.FileName,
        [.. c.Cli.Prefix, "desensitize", c.Archive.Directory, Path.Combine(c.WorkDir, "desensitized"), "--overwrite", "--key-file", KeyFile(c),
            "--no-progress", "--threads", c.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rejects", Path.Combine(c.WorkDir, "xanalytics-rejects.tsv")],
        CountsOnStdout: false,
        OkExitCodes: [0, 3]);

    /// <summary>DuckDB's <c>COPY (SELECT * EXCLUDE (agent, ip, host, session) FROM read_json(...)) TO '....json.gz'</c>.</summary>
    public static Func<CompareContext, ToolRun?> DuckDbDesensitize() => c =>
    {
        (string fileName, string[] prefix) = SelfInvocation.Command();
        string glob = Path.Combine(Path.GetFullPath(c.Archive.Directory), "**", "*.gz").Replace("'", "''", StringComparison.Ordinal);
        string target = Path.Combine(c.WorkDir, "duckdb-desensitized.json.gz").Replace("'", "''", StringComparison.Ordinal);
        string sql = $"COPY (SELECT * EXCLUDE (agent, ip, host, session) FROM read_json('{glob}', format = 'newline_delimited', ignore_errors = true)) TO '{target}' (FORMAT JSON, COMPRESSION GZIP)";
        return new ToolRun(DuckDbName, fileName, [.. prefix, "duckdb-exec", "--threads", c.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture), sql],
            CountsOnStdout: false, OkExitCodes: [0]);
    };

    /// <summary><c>xanalytics report DIR OUT</c>: every report in one pass (no GeoIP: countries need a database).</summary>
    public static Func<CompareContext, ToolRun> XAnalyticsReport() => c => new ToolRun(
        XAnalyticsName,
        c.Cli.FileName,
        [.. c.Cli.Prefix, "report", c.Archive.Directory, Path.Combine(c.WorkDir, "report"), "--no-progress",
            "--threads", c.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rejects", Path.Combine(c.WorkDir, "xanalytics-rejects.tsv")],
        CountsOnStdout: false,
        OkExitCodes: [0, 3]);

    /// <summary><c>xanalytics learners DIR OUT</c>: each event projected to a record, the records gathered by learner and time, then the three tables, charts and index.html.</summary>
    public static Func<CompareContext, ToolRun> XAnalyticsLearners(bool sorted) => c => new ToolRun(
        XAnalyticsName,
        c.Cli.FileName,
        [.. c.Cli.Prefix, "learners", sorted ? SortedCopy(c) : c.Archive.Directory, Path.Combine(c.WorkDir, "learners"), "--no-progress",
            "--threads", c.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rejects", Path.Combine(c.WorkDir, "xanalytics-rejects.tsv")],
        CountsOnStdout: false,
        OkExitCodes: [0, 3]);

    /// <summary><c>xanalytics sort DIR OUT</c> (username, then time; default memory).</summary>
    public static Func<CompareContext, ToolRun> XAnalyticsSort() => c => new ToolRun(
        XAnalyticsName,
        c.Cli.FileName,
        [.. c.Cli.Prefix, "sort", c.Archive.Directory, Path.Combine(c.WorkDir, "sorted"), "--overwrite", "--no-progress",
            "--threads", c.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rejects", Path.Combine(c.WorkDir, "xanalytics-rejects.tsv")],
        CountsOnStdout: false,
        OkExitCodes: [0, 3]);

    /// <summary>DuckDB's <c>COPY (SELECT * FROM read_json(...) ORDER BY username, time) TO '....json.gz'</c>.</summary>
    public static Func<CompareContext, ToolRun?> DuckDbSort() => c =>
    {
        (string fileName, string[] prefix) = SelfInvocation.Command();
        string glob = Path.Combine(Path.GetFullPath(c.Archive.Directory), "**", "*.gz").Replace("'", "''", StringComparison.Ordinal);
        string target = Path.Combine(c.WorkDir, "duckdb-sorted.json.gz").Replace("'", "''", StringComparison.Ordinal);
        string sql = $"COPY (SELECT * FROM read_json('{glob}', format = 'newline_delimited', ignore_errors = true) ORDER BY username, time) TO '{target}' (FORMAT JSON, COMPRESSION GZIP)";
        return new ToolRun(DuckDbName, fileName, [.. prefix, "duckdb-exec", "--threads", c.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture), sql],
            CountsOnStdout: false, OkExitCodes: [0]);
    };

    /// <summary><c>xanalytics shard DIR OUT --buckets N</c>.</summary>
    public static Func<CompareContext, ToolRun> XAnalyticsShard(int buckets) => c => new ToolRun(
        XAnalyticsName,
        c.Cli.FileName,
        [.. c.Cli.Prefix, "shard", c.Archive.Directory, Path.Combine(c.WorkDir, "sharded"), "--buckets", buckets.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--overwrite", "--no-progress", "--threads", c.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rejects", Path.Combine(c.WorkDir, "xanalytics-rejects.tsv")],
        CountsOnStdout: false,
        OkExitCodes: [0, 3]);

    /// <summary><c>xanalytics convert DIR OUT --to json</c> (gzip JSON parts, unchanged events), as a peer column.</summary>
    public static Func<CompareContext, ToolRun?> XAnalyticsConvertNamed(string name) => c => new ToolRun(
        name,
        c.Cli.FileName,
        [.. c.Cli.Prefix, "convert", c.Archive.Directory, Path.Combine(c.WorkDir, "converted"), "--to", "json", "--overwrite", "--no-progress",
            "--threads", c.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rejects", Path.Combine(c.WorkDir, "xanalytics-rejects.tsv")],
        CountsOnStdout: false,
        OkExitCodes: [0, 3]);

    private static string KeyFile(CompareContext c) => Path.Combine(c.WorkDir, "pseudonym.key");

    private static string BsonCopy(CompareContext c) => c.Archive.Directory.TrimEnd(Path.DirectorySeparatorChar) + "-bson";

    /// <summary>A throwaway pseudonym key for the desensitize job.</summary>
    public static async Task WriteKeyAsync(CompareContext c, TextWriter log)
    {
        Directory.CreateDirectory(c.WorkDir);
        await File.WriteAllTextAsync(KeyFile(c), Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))).ConfigureAwait(false);
    }

    private static string SortedCopy(CompareContext c) => c.Archive.Directory.TrimEnd(Path.DirectorySeparatorChar) + "-sorted";

    /// <summary>The archive sorted by learner and time (<c>xanalytics sort</c>), made once and kept beside the archive.</summary>
    public static async Task EnsureSortedCopyAsync(CompareContext c, TextWriter log)
    {
        string target = SortedCopy(c);
        if (File.Exists(Path.Combine(target, "manifest.json")))
        {
            return;
        }

        Directory.CreateDirectory(c.WorkDir);
        await log.WriteLineAsync($"making the sorted copy in {target}").ConfigureAwait(false);
        Measurement m = await ChildMeasure.RunAsync(c.Cli.FileName, [.. c.Cli.Prefix, "sort", c.Archive.Directory, target, "--overwrite", "--no-progress",
            "--rejects", Path.Combine(c.WorkDir, "sort-rejects.tsv")], c.WorkDir).ConfigureAwait(false);
        if (m.ExitCode is not (0 or 3))
        {
            throw new InvalidOperationException($"sort failed with exit code {m.ExitCode}");
        }
    }

    /// <summary>The archive's BSON copy (<c>xanalytics convert --to bson</c>), made once and kept beside the archive.</summary>
    public static async Task EnsureBsonCopyAsync(CompareContext c, TextWriter log)
    {
        string target = BsonCopy(c);
        string manifest = Path.Combine(target, "manifest.json");
        if (File.Exists(manifest))
        {
            if (ListsChunks(manifest))
            {
                return;
            }

            // A copy made before parts listed their chunks is read with every document checked: it would understate
            // what a BSON copy made today gives, so it is made again.
            await log.WriteLineAsync($"making the BSON copy in {target} again: its manifest lists no chunk hashes (an older build made it)").ConfigureAwait(false);
        }
        else
        {
            await log.WriteLineAsync($"making the BSON copy in {target}").ConfigureAwait(false);
        }

        Measurement m = await ChildMeasure.RunAsync(c.Cli.FileName, [.. c.Cli.Prefix, "convert", c.Archive.Directory, target, "--to", "bson", "--overwrite", "--no-progress",
            "--rejects", Path.Combine(c.WorkDir, "convert-rejects.tsv")], c.WorkDir).ConfigureAwait(false);
        if (m.ExitCode is not (0 or 3))
        {
            throw new InvalidOperationException($"convert --to bson failed with exit code {m.ExitCode}");
        }
    }

    /// <summary>Whether a parts folder's manifest lists chunk hashes for its parts (what <c>convert</c> writes today).</summary>
    internal static bool ListsChunks(string manifestPath)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
        if (!doc.RootElement.TryGetProperty("parts", out JsonElement parts) || parts.ValueKind != JsonValueKind.Array || parts.GetArrayLength() == 0)
        {
            return false;
        }

        foreach (JsonElement part in parts.EnumerateArray())
        {
            if (!part.TryGetProperty("chunks", out JsonElement chunks) || chunks.ValueKind != JsonValueKind.Array)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>DuckDB's <c>read_json</c> with GROUP BY, in a child mode of this program (<see cref="DuckDbCount"/>).</summary>
    public static Func<CompareContext, ToolRun?> DuckDbCount(string field) => c =>
    {
        (string fileName, string[] prefix) = SelfInvocation.Command();
        return new ToolRun(DuckDbName, fileName,
            [.. prefix, "duckdb-count", c.Archive.Directory, "--by", field, "--threads", c.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            CountsOnStdout: true, OkExitCodes: [0]);
    };

    /// <summary>
    /// <c>gzip -dc | jq</c> folding the field's counts in one object; lines that do not parse as a JSON object are
    /// skipped (<c>fromjson?</c>, <c>objects</c>), as XAnalytics rejects them. Null when jq is not on the PATH.
    /// </summary>
    /// <summary>
    /// The inflate floor: ISA-L's <c>igzip -dc</c> over every file of the archive, as many at once as the tools have
    /// threads, output thrown away: no tool that reads the gzip files can take less. Needs Debian's <c>isal</c>
    /// package (the command-line tool; the engine needs only <c>libisal2</c>); absent, the column is left out.
    /// </summary>
    public static Func<CompareContext, ToolRun?> InflateOnly() => c =>
    {
        if (FindOnPath("igzip") is null)
        {
            return null;
        }

        string threads = c.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string script = $"find {Quote(c.Archive.Directory)} -name '*.gz' -print0 | xargs -0 -P {threads} -n 1 igzip -dc > /dev/null";
        return new ToolRun(InflateOnlyName, "/bin/sh", ["-c", script], CountsOnStdout: false, OkExitCodes: [0]);
    };

    /// <summary>The name of <see cref="InflateOnly"/>'s column (and of its <c>--peers</c> entry).</summary>
    public const string InflateOnlyName = "igzip alone";

    public static Func<CompareContext, ToolRun?> JqCount(string field) => c =>
    {
        if (FindOnPath("jq") is null || FindOnPath("gzip") is null)
        {
            return null;
        }

        string path = "." + string.Join(".", field.Split('.').Select(static s => $"\"{s}\""));
        string filter = $"reduce (inputs | fromjson? | objects | ((try {path} catch null) | if . == null then \"\" elif type == \"string\" then . else tojson end)) as $v ({{}}; .[$v] += 1) | to_entries[] | \"\\(.key)\\t\\(.value)\"";
        string script = $"find {Quote(c.Archive.Directory)} -name '*.gz' -print0 | sort -z | xargs -0 gzip -dc | jq -nrR {Quote(filter)}";
        return new ToolRun(JqName, "/bin/sh", ["-c", script], CountsOnStdout: true, OkExitCodes: [0]);
    };

    public static string? FindOnPath(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
