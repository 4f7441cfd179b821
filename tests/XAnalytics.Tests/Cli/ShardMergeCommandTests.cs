using System.IO.Compression;
using System.Text;
using XAnalytics.Cli;
using XAnalytics.Tests.Reports.Reference;
using XAnalytics.Tests.Sources;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Cli;

/// <summary>
/// <c>plan</c>, <c>--shard</c>, <c>--partial</c> and <c>merge</c> end to end, in-process: N tasks and a merge give the
/// bytes one process gives, and a merge refuses shards that do not fit.
/// </summary>
public sealed class ShardMergeCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-shardmerge-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Temp(string name) => Path.Combine(_dir.FullName, name);

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
        => InProcessCli.RunAsync(TimeSpan.FromSeconds(120), args);

    /// <summary>A generated archive (with bad lines), and the real edX acceptance logs beside it when ../shared has them.</summary>
    private async Task<string[]> InputsAsync()
    {
        string archive = Temp("archive");
        await TestArchives.GenerateAsync(archive, events: 12_000, files: 9, courses: 4, learners: 300, days: 20);
        return Corpus.Directory is { } corpus ? [archive, corpus] : [archive];
    }

    private async Task<string> PlanAsync(string[] inputs, int shards, string name = "plan.json")
    {
        var (exit, output, error) = await RunAsync(["plan", .. inputs, "--shards", shards.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(exit == ExitCodes.Clean, error);
        string path = Temp(name);
        await File.WriteAllTextAsync(path, output);
        return path;
    }

    /// <summary>Runs <paramref name="command"/> as every shard's task, writing partials into a folder of their own; returns the folder.</summary>
    private async Task<string> TasksAsync(string plan, int shards, string tag, string[] command, string[] inputs, string[] options)
    {
        string folder = Temp($"partials-{tag}-{shards}");
        Directory.CreateDirectory(folder);
        for (int i = 0; i < shards; i++)
        {
            string[] args = [command[0], .. inputs, .. command[1..], .. options, "--plan", plan, "--shard", $"{i}/{shards}",
                "--partial", Path.Combine(folder, $"{tag}-{i}.xap"), "--rejects", Temp($"rejects-{tag}-{i}.tsv")];
            var (exit, _, error) = await RunAsync(args);
            Assert.True(exit is ExitCodes.Clean or ExitCodes.DataProblems, $"shard {i}: exit {exit}\n{error}");
            Assert.True(File.Exists(Path.Combine(folder, $"{tag}-{i}.xap")), error);
        }

        return folder;
    }

    public static TheoryData<int> ShardCounts => [1, 3, 8];

    [Theory]
    [MemberData(nameof(ShardCounts))]
    public async Task CountAndSchema_ThroughShardsAndMerge_ByteIdenticalToOneProcess(int shards)
    {
        string[] inputs = await InputsAsync();
        string plan = await PlanAsync(inputs, shards);
        (string Tag, string[] Command, string File)[] jobs =
        [
            ("types", ["count", "--by", "event_type"], "count.tsv"),
            ("totals", ["count"], "count.tsv"),
            ("courses", ["count", "--by", "context.course_id", "--by", "day", "--format", "json"], "count.json"),
            ("schema", ["schema"], "schema.tsv"),
        ];
        foreach ((string tag, string[] command, string file) in jobs)
        {
            var (oneExit, one, oneError) = await RunAsync([command[0], .. inputs, .. command[1..], "--rejects", Temp($"rejects-{tag}.tsv")]);
            Assert.True(oneExit is ExitCodes.Clean or ExitCodes.DataProblems, oneError);
            Assert.NotEmpty(one);

            string partials = await TasksAsync(plan, shards, tag, command, inputs, []);
            string outDir = Temp($"merged-{tag}-{shards}");
            var (exit, _, error) = await RunAsync("merge", plan, partials, outDir);
            Assert.True(exit == oneExit, $"{tag}: merge exit {exit}, one process {oneExit}\n{error}");
            Assert.Equal(one, await File.ReadAllTextAsync(Path.Combine(outDir, file)));
            Assert.Contains("lines read ", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ParquetCount_ThroughShardsAndMerge_SameFileAsOneProcess()
    {
        string[] inputs = await InputsAsync();
        string plan = await PlanAsync(inputs, 3);
        string[] command = ["count", "--by", "event_type", "--by", "day", "--format", "parquet"];
        string one = Temp("one.parquet");
        var (oneExit, _, oneError) = await RunAsync([command[0], .. inputs, .. command[1..], "--output", one, "--rejects", Temp("rejects-pq.tsv")]);
        Assert.True(oneExit is ExitCodes.Clean or ExitCodes.DataProblems, oneError);

        string partials = await TasksAsync(plan, 3, "pq", command, inputs, []);
        string outDir = Temp("merged-pq");
        var (exit, output, error) = await RunAsync("merge", plan, partials, outDir);
        Assert.True(exit == oneExit, $"merge exit {exit}, one process {oneExit}\n{error}");
        string merged = Path.Combine(outDir, "count.parquet");
        Assert.Contains(merged, output, StringComparison.Ordinal);
        Assert.True(new FileInfo(one).Length > 0);
        Assert.Equal(await File.ReadAllBytesAsync(one), await File.ReadAllBytesAsync(merged));
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp*"));
    }

    [Theory]
    [MemberData(nameof(ShardCounts))]
    public async Task Report_ThroughShardsAndMerge_EveryFileByteIdentical(int shards)
    {
        string archive = Temp("archive");
        await TestArchives.GenerateAsync(archive, events: 12_000, files: 9, courses: 4, learners: 300, days: 20);
        await AssertReportThroughShardsAsync(archive, shards);
    }

    [SharedCorpusFact]
    public async Task Report_OnRealEdxLogsThroughFourShards_EveryFileByteIdentical()
        => await AssertReportThroughShardsAsync(Corpus.Directory!, 4); // enrollment, activity and video events of edX's acceptance logs

    private async Task AssertReportThroughShardsAsync(string input, int shards)
    {
        string[] inputs = [input];
        // The MaxMind test database resolves some addresses: countries.csv is compared too where ../shared has it.
        string[] geo = PublicData.Directory is null ? [] : ["--geoip", PublicData.MaxMindDirectory];
        string one = Temp("report-one");
        var (oneExit, _, oneError) = await RunAsync(["report", inputs[0], one, .. geo, "--rejects", Temp("rejects-report.tsv")]);
        Assert.True(oneExit is ExitCodes.Clean or ExitCodes.DataProblems, oneError);

        string plan = await PlanAsync(inputs, shards);
        string partials = await TasksAsync(plan, shards, "report", ["report"], inputs, geo);
        string merged = Temp($"report-merged-{shards}");
        var (exit, _, error) = await RunAsync("merge", plan, partials, merged);
        Assert.True(exit == oneExit, error);

        string[] expected = [.. Directory.GetFiles(one, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(one, f)).Order(StringComparer.Ordinal)];
        string[] actual = [.. Directory.GetFiles(merged, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(merged, f)).Order(StringComparer.Ordinal)];
        Assert.Equal(expected, actual);
        Assert.Contains("events_daily.csv", expected);
        Assert.True(File.ReadAllLines(Path.Combine(one, "events_daily.csv")).Length > 1, "the report has rows to compare");
        foreach (string file in expected)
        {
            if (file.EndsWith(".svg", StringComparison.Ordinal))
            {
                // Skia numbers an SVG's clip paths with a counter per process; here the one-process run and the merge
                // share a process. Renumbered by first use, everything else must be equal (separate processes, as
                // in the Slurm and Kubernetes tests, give equal bytes).
                Assert.Equal(Renumbered(Path.Combine(one, file)), Renumbered(Path.Combine(merged, file)));
                continue;
            }

            if (file == "index.html")
            {
                // It says the minute it was written (two one-process runs differ there too, unless SOURCE_DATE_EPOCH is set).
                Assert.Equal(WithoutGeneratedAt(Path.Combine(one, file)), WithoutGeneratedAt(Path.Combine(merged, file)));
                continue;
            }

            Assert.True(File.ReadAllBytes(Path.Combine(one, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(merged, file))),
                $"{file} differs: {FirstDifference(Path.Combine(one, file), Path.Combine(merged, file))}");
        }
    }

    private static string WithoutGeneratedAt(string html)
        => System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(html), "Generated [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC", "Generated (time) UTC");

    private static string Renumbered(string svg)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        return System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(svg), "cl_[0-9a-f]+",
            m => "cl#" + (ids.TryGetValue(m.Value, out int n) ? n : ids[m.Value] = ids.Count).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Report_TasksAndMergeAsSeparateProcesses_EveryFileByteForByte()
    {
        // As a scheduler runs them: a process per task and one for the merge, with SOURCE_DATE_EPOCH fixing the time
        // index.html states. Nothing is normalised: CSVs, PNG and SVG charts and index.html are compared as bytes.
        string input = Temp("archive");
        await TestArchives.GenerateAsync(input, events: 8_000, files: 6, courses: 3, learners: 200, days: 15);
        var env = new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = "1700000000" };
        TimeSpan limit = TimeSpan.FromSeconds(120);
        string one = Temp("one");
        var (oneExit, oneOutput) = await Deploy.DeployProcess.RunAsync(["xanalytics", "report", input, one, "--no-progress"], env, limit);
        Assert.True(oneExit is ExitCodes.Clean or ExitCodes.DataProblems, oneOutput);
        string plan = await PlanAsync([input], 3);
        for (int i = 0; i < 3; i++)
        {
            var (exit, output) = await Deploy.DeployProcess.RunAsync(
                ["xanalytics", "report", input, "--plan", plan, "--shard", $"{i}/3", "--partial", Temp($"p/r-{i}.xap"), "--no-progress"], env, limit);
            Assert.True(exit == ExitCodes.Clean, output);
        }

        var (mergeExit, mergeOutput) = await Deploy.DeployProcess.RunAsync(["xanalytics", "merge", plan, Temp("p"), Temp("merged")], env, limit);
        Assert.True(mergeExit == oneExit, mergeOutput);
        string[] files = [.. Directory.GetFiles(one, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(one, f)).Order(StringComparer.Ordinal)];
        Assert.Contains(Path.Combine("charts", "daily_active.svg"), files);
        Assert.Contains("Generated 2023-11-14 22:13 UTC", await File.ReadAllTextAsync(Path.Combine(one, "index.html")), StringComparison.Ordinal);
        Assert.Equal(files, Directory.GetFiles(Temp("merged"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Temp("merged"), f)).Order(StringComparer.Ordinal));
        foreach (string file in files)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(one, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(Temp("merged"), file))), $"{file} differs");
        }
    }

    [Fact]
    public async Task Merge_MissingDuplicateForeignOrOtherOptions_RefusedByName()
    {
        string[] inputs = [Temp("archive")];
        await TestArchives.GenerateAsync(inputs[0], events: 3_000, files: 4, courses: 2, learners: 50, days: 5);
        string plan = await PlanAsync(inputs, 3);
        string partials = await TasksAsync(plan, 3, "types", ["count", "--by", "event_type"], inputs, []);
        string p0 = Path.Combine(partials, "types-0.xap"), p1 = Path.Combine(partials, "types-1.xap"), p2 = Path.Combine(partials, "types-2.xap");

        var (exit, _, error) = await RunAsync("merge", plan, p0, p2, Temp("m1"));
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("Shards missing: 1 of 3", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Temp("m1"))) && File.Exists(Path.Combine(Temp("m1"), "count.tsv")));

        (exit, _, error) = await RunAsync("merge", plan, p0, p1, p1, p2, Temp("m2"));
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("Shard 1/3 is given twice", error, StringComparison.Ordinal);
        Assert.Contains("types-1.xap", error, StringComparison.Ordinal);

        // A plan of other files (one more): its id differs, so every partial of the first plan is foreign to it.
        await File.WriteAllTextAsync(Path.Combine(inputs[0], "extra.log"), "{\"event_type\": \"x\", \"time\": \"2015-03-01T00:00:00Z\"}\n");
        string other = await PlanAsync(inputs, 3, "other.json");
        (exit, _, error) = await RunAsync("merge", other, p0, p1, p2, Temp("m3"));
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("types-0.xap is a foreign shard", error, StringComparison.Ordinal);

        // Shards of the first plan run with other options cannot be merged with these.
        string byCourse = await TasksAsync(plan, 3, "courses", ["count", "--by", "context.course_id"], inputs, []);
        (exit, _, error) = await RunAsync("merge", plan, p0, p1, Path.Combine(byCourse, "courses-2.xap"), Temp("m4"));
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("the same command with the same options", error, StringComparison.Ordinal);

        // A damaged partial: its checksum fails, named.
        byte[] bytes = await File.ReadAllBytesAsync(p2);
        bytes[bytes.Length / 2] ^= 0x55;
        string damaged = Temp("damaged.xap");
        await File.WriteAllBytesAsync(damaged, bytes);
        (exit, _, error) = await RunAsync("merge", plan, p0, p1, damaged, Temp("m5"));
        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains("damaged.xap is damaged or cut short", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Task_PlannedFileChangedOrInputsDiffer_RefusedBeforeReading()
    {
        string[] inputs = [Temp("archive")];
        await TestArchives.GenerateAsync(inputs[0], events: 2_000, files: 3, courses: 2, learners: 20, days: 3);
        string plan = await PlanAsync(inputs, 2);

        var (exit, _, error) = await RunAsync("count", Temp("elsewhere"), "--plan", plan, "--shard", "0/2");
        Assert.Equal(ExitCodes.Usage, exit);

        (exit, _, error) = await RunAsync("count", inputs[0], "--plan", plan, "--shard", "0/3");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("which has 2 shards", error, StringComparison.Ordinal);

        (exit, _, error) = await RunAsync("count", inputs[0], "--plan", plan);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--plan needs --shard i/2", error, StringComparison.Ordinal);

        (exit, _, error) = await RunAsync("count", inputs[0], "--shard", "0/2", "--partial", Temp("x.xap"));
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--partial needs --plan", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Temp("x.xap")));

        string file = Directory.GetFiles(inputs[0], "*.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        await File.AppendAllTextAsync(file, "more");
        (exit, _, error) = await RunAsync("count", inputs[0], "--plan", plan, "--shard", "0/2");
        Assert.NotEqual(ExitCodes.Clean, exit);
        Assert.Contains("changed size", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shard_WithoutPlan_EveryFileReadByExactlyOneShard()
    {
        string[] inputs = [Temp("archive")];
        await TestArchives.GenerateAsync(inputs[0], events: 4_000, files: 7, courses: 2, learners: 40, days: 7);
        var (_, whole, _) = await RunAsync("count", inputs[0], "--by", "event_type");
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < 3; i++)
        {
            var (exit, output, error) = await RunAsync("count", inputs[0], "--by", "event_type", "--shard", $"{i}/3");
            Assert.True(exit is ExitCodes.Clean or ExitCodes.DataProblems, error);
            Assert.Contains($" from {(i == 0 ? 3 : 2)} files", error, StringComparison.Ordinal);
            foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] cells = line.Split('\t');
                sums[cells[0]] = sums.GetValueOrDefault(cells[0]) + long.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        var expected = whole.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(static l => l.Split('\t')).ToDictionary(static c => c[0], static c => long.Parse(c[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected.OrderBy(static p => p.Key, StringComparer.Ordinal), sums.OrderBy(static p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task WritingCommands_WithShard_PartsNamedByShardSoTasksNeverCollide()
    {
        string[] inputs = [Temp("archive")];
        await TestArchives.GenerateAsync(inputs[0], events: 3_000, files: 4, courses: 2, learners: 30, days: 4);
        string plan = await PlanAsync(inputs, 2);
        var names = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            string outDir = Temp($"converted-{i}");
            var (exit, _, error) = await RunAsync("convert", inputs[0], outDir, "--to", "json", "--plan", plan, "--shard", $"{i}/2");
            Assert.True(exit is ExitCodes.Clean or ExitCodes.DataProblems, error);
            string[] parts = [.. Directory.GetFiles(outDir, "part-*").Select(Path.GetFileName)!];
            Assert.NotEmpty(parts);
            Assert.All(parts, p => Assert.StartsWith($"part-{i:D4}-", p, StringComparison.Ordinal));
            names.AddRange(parts);
        }

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        var (_, whole, _) = await RunAsync("count", inputs[0]);
        var (_, shardsTogether, _) = await RunAsync("count", Temp("converted-0"), Temp("converted-1"));
        Assert.Equal(whole, shardsTogether);
    }

    [Fact]
    public async Task LearnerBuckets_MapTasksThenReduceByBucket_SameAsOneProcess()
    {
        // Map: each of 3 tasks writes 4 learner buckets of its shard; reduce j: bucket j of every map task.
        string[] inputs = [Temp("archive")];
        await TestArchives.GenerateAsync(inputs[0], events: 6_000, files: 6, courses: 2, learners: 80, days: 6);
        string plan = await PlanAsync(inputs, 3);
        for (int i = 0; i < 3; i++)
        {
            var (exit, _, error) = await RunAsync("shard", inputs[0], Temp($"map-{i}"), "--buckets", "4", "--plan", plan, "--shard", $"{i}/3");
            Assert.True(exit is ExitCodes.Clean or ExitCodes.DataProblems, error);
        }

        var (_, whole, _) = await RunAsync("count", inputs[0], "--by", "username");
        var reduced = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int j = 0; j < 4; j++)
        {
            string[] buckets = [.. Enumerable.Range(0, 3).Select(i => Path.Combine(Temp($"map-{i}"), $"bucket-{j:D4}"))];
            var (exit, output, error) = await RunAsync(["count", .. buckets, "--by", "username"]);
            Assert.True(exit == ExitCodes.Clean, error);
            foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Assert.True(seen.Add(line.Split('\t')[0]), $"learner in two buckets: bucket {j}");
                reduced.Add(line);
            }
        }

        Assert.Equal(whole.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal), reduced.Order(StringComparer.Ordinal));
    }

    private static string FirstDifference(string a, string b)
    {
        string[] x = File.ReadAllLines(a), y = File.ReadAllLines(b);
        for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            if (x[i] != y[i])
            {
                return $"line {i + 1}: '{x[i]}' vs '{y[i]}'";
            }
        }

        return $"{x.Length} lines vs {y.Length}";
    }
}
