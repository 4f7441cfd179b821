using System.Text.RegularExpressions;
using XAnalytics.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace XAnalytics.Tests.Deploy;

/// <summary>
/// Kubernetes cannot run here, so the manifests' container command lines run locally as a cluster would run them:
/// the plan Job once, the Indexed Job's command with <c>JOB_COMPLETION_INDEX=0..N-1</c>, then the merge Job, with
/// <c>$(NAME)</c> expanded from each container's env (INPUT and WORK pointed at temporary folders).
/// </summary>
public sealed partial class KubernetesJobTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-k8s-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Manifest(string name) => Path.Combine(RepoPaths.Root ?? throw new InvalidOperationException("not in a checkout"), "deploy", "kubernetes", name);

    /// <summary>The first container's command and args with <c>$(NAME)</c> expanded, and its env with the overrides.</summary>
    private static (List<string> Command, Dictionary<string, string> Env) Container(string manifest, Dictionary<string, string> overrides)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Manifest(manifest)))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var spec = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)root["spec"])["template"])["spec"];
        var container = (YamlMappingNode)((YamlSequenceNode)spec["containers"])[0];
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (container.Children.TryGetValue("env", out YamlNode? envNode))
        {
            foreach (YamlMappingNode e in ((YamlSequenceNode)envNode).Cast<YamlMappingNode>())
            {
                env[((YamlScalarNode)e["name"]).Value!] = ((YamlScalarNode)e["value"]).Value!;
            }
        }

        foreach ((string name, string value) in overrides)
        {
            env[name] = value;
        }

        var command = new List<string>();
        foreach (string key in new[] { "command", "args" })
        {
            if (container.Children.TryGetValue(key, out YamlNode? list))
            {
                // Kubernetes expands $(NAME) for names in the container's environment and leaves others as written.
                command.AddRange(((YamlSequenceNode)list).Select(n => Reference().Replace(((YamlScalarNode)n).Value!,
                    m => env.TryGetValue(m.Groups[1].Value, out string? v) ? v : m.Value)));
            }
        }

        return (command, env);
    }

    [Fact]
    public async Task PlanIndexedJobAndMerge_CommandLinesRunLocally_MergedCountEqualsOneProcess()
    {
        string input = Path.Combine(_dir.FullName, "tracking");
        string work = Path.Combine(_dir.FullName, "work");
        await TestArchives.GenerateAsync(input, events: 6_000, files: 5, courses: 3, learners: 60, days: 5);
        var overrides = new Dictionary<string, string> { ["INPUT"] = input, ["WORK"] = work };
        TimeSpan limit = TimeSpan.FromSeconds(120);

        (List<string> plan, Dictionary<string, string> planEnv) = Container("plan-job.yaml", overrides);
        var (planExit, planOutput) = await DeployProcess.RunAsync(plan, planEnv, limit);
        Assert.True(planExit == 0, planOutput);
        int shards = int.Parse(planEnv["SHARDS"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(3, shards);

        for (int index = 0; index < shards; index++)
        {
            (List<string> shard, Dictionary<string, string> env) = Container("indexed-job.yaml",
                new(overrides) { ["JOB_COMPLETION_INDEX"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            Assert.Contains($"{index}/{shards}", shard);
            var (exit, output) = await DeployProcess.RunAsync(shard, env, limit);
            Assert.True(exit == 0, $"index {index}: exit {exit}\n{output}");
            Assert.True(File.Exists(Path.Combine(work, "partials", $"shard-{index}.xap")), output);
        }

        (List<string> merge, Dictionary<string, string> mergeEnv) = Container("merge-job.yaml", overrides);
        var (mergeExit, mergeOutput) = await DeployProcess.RunAsync(merge, mergeEnv, limit);
        Assert.True(mergeExit == 0, mergeOutput);

        var (oneExit, one) = await DeployProcess.RunAsync(["xanalytics", "count", input, "--by", "event_type", "--no-progress"], new Dictionary<string, string>(), limit);
        Assert.True(oneExit is 0 or 3);
        string merged = await File.ReadAllTextAsync(Path.Combine(work, "out", "count.tsv"));
        Assert.StartsWith(merged, one, StringComparison.Ordinal); // stdout, then the summary on stderr
        Assert.True(merged.Split('\n').Length > 10);
    }

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
