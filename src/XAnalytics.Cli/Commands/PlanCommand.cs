using System.CommandLine;
using System.Globalization;
using System.Text;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Sources;

namespace XAnalytics.Cli.Commands;

/// <summary><c>xanalytics plan INPUT... --shards N &gt; plan.json</c>: a fixed split of the input files, balanced by bytes.</summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("INPUT")
        {
            Description = "Tracking-log files or directory trees, as the tasks will name them.",
            Arity = ArgumentArity.OneOrMore,
        };
        var shards = new Option<int>("--shards")
        {
            Description = "How many shards (tasks of the job array) to split the files into.",
            Required = true,
        };
        var onlyGz = new Option<bool>("--only-gz") { Description = "List only files whose names end in .gz, as the tasks' --only-gz will." };
        var command = new Command("plan", "Split the input files into N shards balanced by bytes and print the plan (JSON) on stdout: "
            + "tasks read their shard with --plan plan.json --shard i/N, and 'merge' checks partials against it. "
            + "Files that arrive later are in no shard until a new plan is made.")
        {
            inputs,
            shards,
            onlyGz,
        };
        command.SetAction((result, ct) => CommandRunner.GuardAsync(result, async () =>
        {
            int n = result.GetValue(shards);
            if (n is < 1 or > 100_000)
            {
                throw new ArgumentException($"--shards must be between 1 and 100000, not {n}.");
            }

            string[] given = result.GetValue(inputs) ?? [];
            if (Array.IndexOf(given, FileSource.StandardInput) >= 0)
            {
                throw new ArgumentException("Standard input ('-') cannot be planned: name files or folders.");
            }

            string[] full = [.. given.Select(static i => Path.TrimEndingDirectorySeparator(Path.GetFullPath(i)))];
            FileSource files = FileSource.Plan(new FileSourceOptions { Inputs = full, OnlyGzip = result.GetValue(onlyGz), RequireFiles = true });
            var listed = new List<(string, long)>(files.Files.Count);
            foreach (SourceFile file in files.Files)
            {
                listed.Add((file.Path, file.Length));
            }

            ShardPlan plan = ShardPlan.Create(full, listed, n);
            await result.InvocationConfiguration.Output.WriteAsync(Encoding.UTF8.GetString(plan.ToJson()));
            TextWriter error = result.InvocationConfiguration.Error;
            foreach (string note in files.Notes)
            {
                await error.WriteLineAsync($"xanalytics: note: {note}");
            }

            long least = long.MaxValue, most = 0;
            for (int s = 0; s < n; s++)
            {
                least = Math.Min(least, plan.BytesOf(s));
                most = Math.Max(most, plan.BytesOf(s));
            }

            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"plan {plan.Id}: {plan.Files.Count:N0} files, {files.TotalBytes / 1e6:N1} MB in {n} shards of {least / 1e6:N1} to {most / 1e6:N1} MB"));
            if (plan.Files.Count < n)
            {
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"xanalytics: warning: {n} shards but {plan.Files.Count} files: {n - plan.Files.Count} shards read nothing."));
            }

            return ExitCodes.Clean;
        }));
        return command;
    }
}
