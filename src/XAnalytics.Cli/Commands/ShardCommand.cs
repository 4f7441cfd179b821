using System.CommandLine;
using XAnalytics.Cli.Output;
using XAnalytics.Events;
using XAnalytics.Ordering;
using XAnalytics.Pipeline;
using XAnalytics.Settings;
using XAnalytics.Sinks;

namespace XAnalytics.Cli.Commands;

/// <summary><c>xanalytics shard IN OUT --buckets N [--by username] [--sorted] [--memory 512MiB] [filters] [--outformat json|bson]</c>.</summary>
internal static class ShardCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("IN") { Description = "Tracking logs: a file or a directory tree (JSON lines or BSON, gzip or not)." };
        var output = new Argument<string>("OUT") { Description = "Output folder: OUT/bucket-NNNN/ folders of parts and manifest.json, each holding whole learners." };
        var buckets = new Option<int>("--buckets") { Description = "Number of buckets (1 to 65536).", Required = true };
        var by = new Option<string>("--by") { Description = "The learner key (a field path).", DefaultValueFactory = _ => "username" };
        var sorted = new Option<bool>("--sorted") { Description = "Sort each bucket by the learner key, then time (as sort does)." };
        var memory = new Option<string>("--memory")
        {
            Description = "With --sorted: memory for the buckets' sorts together (KiB, MiB or GiB suffix).",
            DefaultValueFactory = _ => "512MiB",
        };
        var parts = new OutputParts();
        var common = new CommonOptions();
        var filters = new FilterOptions();
        var command = new Command("shard", "Split an archive into learner buckets (student_hash): a learner's bucket is XxHash64(key) mod N over the "
            + "key's UTF-8 bytes, the same on every machine and version, so bucket folders written by separate runs are read together. "
            + "Exit codes: 0 clean, 1 failed, 2 usage or settings error, 3 finished with rejected lines or bad files, 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (nothing published).")
        {
            input,
            output,
            buckets,
            by,
            sorted,
            memory,
        };
        parts.AddTo(command);
        common.AddTo(command);
        filters.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.GuardAsync(result, async () =>
        {
            XAnalyticsSettings settings = GlobalOptions.Load(result);
            int count = result.GetValue(buckets);
            if (count is < 1 or > 65_536)
            {
                throw new ArgumentException($"--buckets must be between 1 and 65536, not {count}.");
            }

            FieldPath key = SortCommand.ParseFields(result.GetValue(by)!) is [FieldPath one] ? one
                : throw new ArgumentException("--by takes one field path, the learner key.");
            string outDir = result.GetValue(output)!;
            var written = new Func<IReadOnlyList<PartInfo>>[count];
            var manifest = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["shardedBy"] = key.Text,
                ["buckets"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["bucketHash"] = "xxhash64-seed0-mod",
            };
            if (result.GetValue(sorted))
            {
                manifest["sortedBy"] = $"{key.Text},time";
            }

            var shard = new ShardSink(
                new ShardOptions
                {
                    Buckets = count,
                    By = key,
                    Sort = result.GetValue(sorted)
                        ? new SortOptions { MemoryBytes = SortCommand.ParseMemory(result.GetValue(memory)!), ScratchDirectory = settings.ScratchDir }
                        : null,
                },
                outDir,
                (i, folder) =>
                {
                    (IEventSink sink, Func<IReadOnlyList<PartInfo>> parts1) = parts.Create(
                        result, settings, folder, new Dictionary<string, string>(manifest) { ["bucket"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                    written[i] = parts1;
                    return sink;
                },
                result.GetValue(parts.Overwrite));
            PipelineOptions options = CommonOptions.Excluding(filters.Apply(result, common.ToPipelineOptions(result, settings, [result.GetValue(input)!], "shard")), outDir);
            RunResult run = await CommandRunner.RunAsync(result, options, filters.Stages(result), shard, !result.GetValue(common.NoProgress), ct);
            var all = new List<PartInfo>();
            foreach (Func<IReadOnlyList<PartInfo>> w in written)
            {
                all.AddRange(w());
            }

            await OutputParts.ReportAsync(result, $"shard ({count} buckets)", outDir, all);
            return CommandRunner.Finish(result, run, filters.Describe(result));
        }));
        return command;
    }
}
