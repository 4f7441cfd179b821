using System.CommandLine;
using XAnalytics.Pipeline;

namespace XAnalytics.Cli.Commands;

/// <summary>
/// <c>xanalytics merge PLAN PARTIALS... OUTDIR</c>: the partial files of every shard of a plan, merged into what one
/// process over the whole input writes. <c>count</c> and <c>schema</c> write their table (stdout in a one-process run)
/// to <c>OUTDIR/count.tsv</c> or <c>OUTDIR/schema.tsv</c> (<c>.csv</c>, <c>.json</c>, <c>.parquet</c> with <c>--format</c>), <c>report</c>
/// its folder to OUTDIR.
/// </summary>
internal static class MergeCommand
{
    private static readonly string[] s_commands = ["count", "schema", "report"];

    public static Command Create()
    {
        var files = new Argument<string[]>("PLAN PARTIALS... OUTDIR")
        {
            Description = "The plan, the partial files (or folders holding *.xap), then the output folder.",
            Arity = new ArgumentArity(3, 100_000),
        };
        var command = new Command("merge", "Merge the partial files of every shard of a plan (written by count, schema or report with "
            + "--plan --shard --partial) into exactly what one process over the whole input writes. A missing, duplicate or foreign "
            + "shard, or partials made with other options, is an error naming the files. "
            + "Exit codes: 0 clean, 1 failed (a damaged partial), 2 usage error or shards that do not fit, 3 the shards rejected lines or had bad files.")
        {
            files,
        };
        command.SetAction((result, ct) => CommandRunner.GuardAsync(result, async () =>
        {
            string[] given = result.GetValue(files)!;
            ShardPlan plan = ShardPlan.Load(PathChecks.ReadableFile(new FileInfo(given[0]), "PLAN"));
            string outDir = Path.GetFullPath(given[^1]);
            List<string> paths = PartialPaths(given[1..^1]);
            var parts = new List<PartialHeader>();
            try
            {
                foreach (string path in paths)
                {
                    parts.Add(PartialFile.Open(path).Header);
                }
            }
            catch (InvalidDataException e)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"xanalytics merge: {e.Message}");
                return ExitCodes.Failed;
            }

            Check(plan, given[0], paths, parts);
            PartialHeader first = parts[0];
            var session = new MergeSession(plan, [.. paths.Zip(parts).OrderBy(static p => p.Second.Shard.Index)]);
            Directory.CreateDirectory(outDir);
            try
            {
                MergeSession.Current = session;
                if (first.Command == "report")
                {
                    return await InvokeAsync(result, ["report", "-", outDir, .. first.Arguments], result.InvocationConfiguration.Output, ct);
                }

                // The command publishes its table itself (--output: written beside, renamed into place when complete),
                // so a parquet table merges like a text one.
                string target = Path.Combine(outDir, $"{first.Command}.{FormatOf(first.Arguments)}");
                int exit = await InvokeAsync(result, [first.Command, "-", .. first.Arguments, "--output", target], result.InvocationConfiguration.Output, ct);
                if (exit is ExitCodes.Clean or ExitCodes.DataProblems)
                {
                    await result.InvocationConfiguration.Output.WriteLineAsync($"Wrote {target}");
                }

                return exit;
            }
            catch (InvalidDataException e)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"xanalytics merge: {e.Message}");
                return ExitCodes.Failed;
            }
            finally
            {
                MergeSession.Current = null;
            }
        }));
        return command;
    }

    /// <summary>The partial files: files as given, folders as their <c>*.xap</c> files in name order.</summary>
    private static List<string> PartialPaths(string[] given)
    {
        var paths = new List<string>();
        foreach (string path in given)
        {
            if (Directory.Exists(path))
            {
                string[] found = Directory.GetFiles(path, "*" + PartialFile.Extension);
                Array.Sort(found, StringComparer.Ordinal);
                paths.AddRange(found);
            }
            else if (File.Exists(path))
            {
                paths.Add(path);
            }
            else
            {
                throw new FileNotFoundException($"Partial file not found: {path}", path);
            }
        }

        return paths.Count > 0 ? paths : throw new ArgumentException("No partial file given (the folders named hold no *.xap).");
    }

    /// <summary>Every shard of the plan exactly once, all of this plan, all of one command with the same options.</summary>
    private static void Check(ShardPlan plan, string planPath, List<string> paths, List<PartialHeader> parts)
    {
        var byShard = new Dictionary<int, string>();
        PartialHeader first = parts[0];
        if (Array.IndexOf(s_commands, first.Command) < 0)
        {
            throw new ArgumentException($"{paths[0]} was written by '{first.Command}', which merge does not know (it merges {string.Join(", ", s_commands)}).");
        }

        for (int i = 0; i < parts.Count; i++)
        {
            PartialHeader h = parts[i];
            if (h.PlanId != plan.Id || h.Shard.Count != plan.Shards)
            {
                throw new ArgumentException($"{paths[i]} is a foreign shard: it is shard {h.Shard} of plan {h.PlanId}, not of {planPath} (plan {plan.Id}, {plan.Shards} shards).");
            }

            if (!byShard.TryAdd(h.Shard.Index, paths[i]))
            {
                throw new ArgumentException($"Shard {h.Shard} is given twice: {byShard[h.Shard.Index]} and {paths[i]}.");
            }

            if (h.Command != first.Command || !h.Arguments.SequenceEqual(first.Arguments))
            {
                throw new ArgumentException($"{paths[i]} was made by '{Describe(h)}' but {paths[0]} by '{Describe(first)}': the shards of a merge must run the same command with the same options.");
            }
        }

        var missing = new List<int>();
        for (int s = 0; s < plan.Shards; s++)
        {
            if (!byShard.ContainsKey(s))
            {
                missing.Add(s);
            }
        }

        if (missing.Count > 0)
        {
            throw new ArgumentException($"Shards missing: {string.Join(", ", missing.Take(20).Select(static s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)))}{(missing.Count > 20 ? ", ..." : string.Empty)} of {plan.Shards} in plan {plan.Id}: no partial given for them (rerun those tasks).");
        }
    }

    private static string Describe(PartialHeader h) => string.Join(' ', [h.Command, .. h.Arguments]);

    private static string FormatOf(IReadOnlyList<string> arguments)
    {
        int i = arguments is List<string> list ? list.IndexOf("--format") : Array.IndexOf([.. arguments], "--format");
        return i >= 0 && i + 1 < arguments.Count ? arguments[i + 1].ToLowerInvariant() : "tsv";
    }

    /// <summary>Runs the command that wrote the partials, with their options, under the merge session.</summary>
    private static async Task<int> InvokeAsync(ParseResult merge, string[] args, TextWriter output, CancellationToken ct)
    {
        var root = new RootCommand();
        root.Subcommands.Add(args[0] switch
        {
            "count" => CountCommand.Create(),
            "schema" => SchemaCommand.Create(),
            _ => ReportCommand.Create(),
        });
        root.Options.Add(GlobalOptions.Config);
        root.Options.Add(GlobalOptions.Set);
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            throw new ArgumentException($"The partials' options do not parse ({string.Join(' ', args)}): {parsed.Errors[0].Message}");
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = merge.InvocationConfiguration.Error }, ct);
    }
}
