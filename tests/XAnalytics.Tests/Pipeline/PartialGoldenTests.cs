using System.Text;
using XAnalytics.Cli;
using XAnalytics.Pipeline;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Pipeline;

/// <summary>
/// Pins the partial-file format (<c>docs/partial-format.md</c>) across builds. <c>Golden/partials-v1</c> holds what an
/// earlier build wrote: a small generated archive, the plan of its two shards, each shard's partial of
/// <c>count</c>, <c>schema</c> and <c>report</c>, and what <c>merge</c> made of them. Shards and the merge may run
/// different builds of a cluster's image, so a partial must mean the same to every build that accepts its version:
/// <list type="bullet">
/// <item>this build merges the pinned partials into the pinned results (it reads what an earlier build wrote);</item>
/// <item>this build's tasks write the pinned states byte for byte from the pinned input (an earlier build's merge
/// reads what this one writes).</item>
/// </list>
/// A change to what a state holds fails one of them. That is the point: bump the aggregate's
/// <c>IPartialAggregate.StateVersion</c> (a merge then refuses the older partials by name), and rewrite the pinned
/// files with <c>XANALYTICS_WRITE_GOLDEN=1 dotnet test --filter PartialGoldenTests</c> (see the folder's README.md).
/// </summary>
public sealed class PartialGoldenTests : IDisposable
{
    private const int Shards = 2;

    /// <summary>Every report table but countries, whose presence follows the machine's GeoIP database.</summary>
    private const string ReportTables = "events_daily,weekly_activity,enrollment_daily,video,module_engagement,active_users_weekly,"
        + "courseware_link_clicked,course_enrollment,forum_activity,tags_distribution,problem_response,answer_distribution,course_pages";

    private static readonly (string Tag, string[] Command)[] s_jobs =
    [
        ("count", ["count", "--by", "event_type", "--by", "day"]),
        ("schema", ["schema"]),
        ("report", ["report", "--only", ReportTables]),
    ];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-golden-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>The pinned files: beside this source file in the checkout.</summary>
    private static string Golden => Path.Combine(
        RepoPaths.Root ?? throw new InvalidOperationException("The golden partials are read from the checkout; no XAnalytics.sln above the test binaries."),
        "tests", "XAnalytics.Tests", "Pipeline", "Golden", "partials-v1");

    private static bool Writing => Environment.GetEnvironmentVariable("XANALYTICS_WRITE_GOLDEN") == "1";

    private string Temp(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public async Task Merge_PartialsAnEarlierBuildWrote_GivesTheResultsItGave()
    {
        if (Writing)
        {
            await WriteGoldenAsync();
            Assert.Fail($"The golden files were rewritten in {Golden}: review them (git diff --stat), commit them, and run the tests again without XANALYTICS_WRITE_GOLDEN.");
        }

        string plan = Path.Combine(Golden, "plan.json");
        foreach ((string tag, _) in s_jobs)
        {
            string[] partials = [.. Enumerable.Range(0, Shards).Select(i => Path.Combine(Golden, "partials", $"{tag}-{i}.xap"))];
            string merged = Temp($"merged-{tag}");
            var (exit, _, error) = await RunAsync(["merge", plan, .. partials, merged]);
            string expected = Path.Combine(Golden, "expected", tag);
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(expected, "merge.txt")), MergeSummary(exit, error));
            string[] want = Tables(expected);
            Assert.NotEmpty(want);
            Assert.Equal(want, Tables(merged));
            foreach (string file in want)
            {
                Assert.True(
                    File.ReadAllBytes(Path.Combine(expected, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(merged, file))),
                    $"{tag}: {file} merged from the pinned partials differs from the pinned one: this build reads a partial of an unchanged version differently.");
            }
        }
    }

    [Fact]
    public async Task Tasks_OnThePinnedInput_WriteThePinnedStatesByteForByte()
    {
        // The input is copied elsewhere, so the plan (its paths, its id) differs from the pinned one: the header's plan
        // id is not compared, everything else is.
        string input = Temp("input");
        CopyTree(Path.Combine(Golden, "input"), input);
        string plan = await PlanAsync(input);
        foreach ((string tag, string[] command) in s_jobs)
        {
            for (int i = 0; i < Shards; i++)
            {
                string written = await TaskAsync(plan, input, tag, command, i, Temp("partials"));
                string pinned = Path.Combine(Golden, "partials", $"{tag}-{i}.xap");
                (PartialHeader now, _) = PartialFile.Open(written);
                (PartialHeader then, _) = PartialFile.Open(pinned);
                Assert.Equal(then with { PlanId = now.PlanId, Arguments = now.Arguments }, now);
                Assert.Equal(then.Arguments, now.Arguments);
                Assert.True(
                    State(pinned).AsSpan().SequenceEqual(State(written)),
                    $"{tag}, shard {i}: this build writes another state ({now.StateName} v{now.StateVersion}) than the pinned one of the same version. "
                    + "If the change is meant, bump the aggregate's StateVersion and rewrite the golden files (XANALYTICS_WRITE_GOLDEN=1).");
            }
        }
    }

    /// <summary>The state block of a partial file, as written (see docs/partial-format.md: magic, version, header block, state block, checksum).</summary>
    private static byte[] State(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        var reader = new PartialReader(data.AsMemory(10, data.Length - 18), path);
        _ = reader.ReadBlock();
        byte[] state = reader.ReadBytes().ToArray();
        Assert.True(reader.AtEnd, $"{path}: bytes after the state");
        return state;
    }

    /// <summary>
    /// The results of a merge's folder, relative and sorted: the tables and the course pages (which read the course-pages
    /// part); the charts are left out (their bytes follow the chart library's), and index.html (it states when it was written).
    /// </summary>
    private static string[] Tables(string folder)
        => [.. Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".csv", StringComparison.Ordinal) || f.EndsWith(".tsv", StringComparison.Ordinal)
                || (f.EndsWith(".html", StringComparison.Ordinal) && Path.GetFileName(Path.GetDirectoryName(f)) == "courses"))
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    /// <summary>The merge's exit code and its accounting line: what a merge of the same partials must say again.</summary>
    private static string MergeSummary(int exit, string error)
    {
        string lines = error.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("lines read ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"the merge printed no accounting line:\n{error}");
        return $"exit {exit}\n{lines}\n";
    }

    /// <summary>
    /// Runs the CLI in-process with the one setting that decides these results given (it outranks the machine's files
    /// and <c>XANALYTICS_CONFIG</c>), so a developer's settings neither fail the tests nor go into the pinned files. The
    /// public data folder only serves countries, which the report's <c>--only</c> leaves out.
    /// </summary>
    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
        => InProcessCli.RunAsync(TimeSpan.FromSeconds(120), [.. args, "--set", "max-line-length=16MiB"]);

    private async Task<string> PlanAsync(string input, string? path = null)
    {
        var (exit, output, error) = await RunAsync("plan", input, "--shards", Shards.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(exit == ExitCodes.Clean, error);
        path ??= Temp("plan.json");
        await File.WriteAllTextAsync(path, output);
        return path;
    }

    private async Task<string> TaskAsync(string plan, string input, string tag, string[] command, int shard, string folder, params string[] extra)
    {
        string partial = Path.Combine(folder, $"{tag}-{shard}.xap");
        string[] args = [command[0], input, .. command[1..], .. extra, "--plan", plan, "--shard", $"{shard}/{Shards}", "--partial", partial,
            "--rejects", Temp($"rejects-{tag}-{shard}.tsv")];
        var (exit, _, error) = await RunAsync(args);
        Assert.True(exit == ExitCodes.Clean && File.Exists(partial), $"{tag}, shard {shard}: exit {exit}\n{error}");
        return partial;
    }

    private static void CopyTree(string from, string to)
    {
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>
    /// Rewrites the pinned files with this build (<c>XANALYTICS_WRITE_GOLDEN=1</c>): the input is kept when present
    /// (generated when not), copied to a fixed folder under the temp folder so the plan names no one's home, then
    /// planned, written by each shard's task and merged. Review the change with <c>git diff --stat</c>.
    /// </summary>
    private async Task WriteGoldenAsync()
    {
        string input = Path.Combine(Golden, "input");
        if (!Directory.Exists(input))
        {
            await TestArchives.GenerateAsync(input, events: 1_500, files: 2, courses: 2, learners: 40, days: 3);
        }

        string fixedInput = Path.Combine(Path.GetTempPath(), "xanalytics-golden", "input");
        if (Directory.Exists(fixedInput))
        {
            Directory.Delete(fixedInput, recursive: true);
        }

        CopyTree(input, fixedInput);
        string plan = await PlanAsync(fixedInput, Path.Combine(Golden, "plan.json"));
        string partials = Path.Combine(Golden, "partials");
        string expectedRoot = Path.Combine(Golden, "expected");
        foreach (string folder in new[] { partials, expectedRoot }.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }

        foreach ((string tag, string[] command) in s_jobs)
        {
            for (int i = 0; i < Shards; i++)
            {
                _ = await TaskAsync(plan, fixedInput, tag, command, i, partials);
            }

            string merged = Temp($"written-{tag}");
            var (exit, _, error) = await RunAsync(["merge", plan, .. Enumerable.Range(0, Shards).Select(i => Path.Combine(partials, $"{tag}-{i}.xap")), merged]);
            string expected = Path.Combine(expectedRoot, tag);
            Directory.CreateDirectory(expected);
            await File.WriteAllTextAsync(Path.Combine(expected, "merge.txt"), MergeSummary(exit, error), new UTF8Encoding(false));
            foreach (string file in Tables(merged))
            {
                string target = Path.Combine(expected, file);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(Path.Combine(merged, file), target);
            }
        }

        Directory.Delete(Path.Combine(Path.GetTempPath(), "xanalytics-golden"), recursive: true);
    }
}
