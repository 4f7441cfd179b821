namespace XAnalytics.Benchmarks.Compare;

/// <summary>One tool's way of doing a job: the command line, and whether stdout holds <c>value TAB count</c> rows to check.</summary>
/// <param name="Tool">The tool's name in the table (one column group per name).</param>
/// <param name="FileName">The program to start.</param>
/// <param name="Arguments">Its arguments.</param>
/// <param name="CountsOnStdout">True when stdout is a count table that must agree with XAnalytics' one.</param>
/// <param name="OkExitCodes">Exit codes that mean the job was done (XAnalytics exits 3 when it rejected lines).</param>
internal sealed record ToolRun(string Tool, string FileName, IReadOnlyList<string> Arguments, bool CountsOnStdout, IReadOnlyList<int> OkExitCodes);

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
internal sealed record CompareJob(string Name, Func<CompareContext, ToolRun> XAnalytics, params Func<CompareContext, ToolRun?>[] Peers);

/// <summary>The jobs <c>compare</c> runs. A new job (desensitize, BSON convert, report) is one line here.</summary>
internal static class Jobs
{
    public static IReadOnlyList<CompareJob> All { get; } =
    [
        new("count by event_type", Tools.XAnalyticsCount("event_type"), Tools.DuckDbCount("event_type"), Tools.JqCount("event_type")),
    ];
}

/// <summary>Command lines of the tools, per kind of job.</summary>
internal static class Tools
{
    public const string XAnalyticsName = "XAnalytics";
    public const string DuckDbName = "DuckDB";
    public const string JqName = "jq";

    /// <summary><c>xanalytics count DIR --by FIELD --no-progress</c>.</summary>
    public static Func<CompareContext, ToolRun> XAnalyticsCount(string field) => c => new ToolRun(
        XAnalyticsName,
        c.Cli.FileName,
        [.. c.Cli.Prefix, "count", c.Archive.Directory, "--by", field, "--no-progress", "--threads", c.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--rejects", Path.Combine(c.WorkDir, "xanalytics-rejects.tsv")],
        CountsOnStdout: true,
        OkExitCodes: [0, 3]);

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
