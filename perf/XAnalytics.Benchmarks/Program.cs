using BenchmarkDotNet.Running;
using XAnalytics.Benchmarks.Compare;

namespace XAnalytics.Benchmarks;

/// <summary>
/// <c>compare ...</c> (end-to-end against peers), <c>memory ...</c> (peak memory by archive size), or
/// BenchmarkDotNet's own arguments for the micro-benchmarks (<c>--filter '*' --job short</c>). <c>measure</c> and
/// <c>duckdb-count</c> are child modes the first two start.
/// </summary>
internal static class Program
{
    /// <summary>The options <c>compare</c> and <c>memory</c> take, for <c>--help</c> and after a wrong one.</summary>
    internal const string CompareUsage = """
        Usage: XAnalytics.Benchmarks compare|memory [options]
          --events N[,N...]  events in the generated archive (default 1000000; memory takes several sizes)
          --files F          files in the generated archive (default 8)
          --seed S           generator seed (default 1)
          --shape S          synthetic (default) or real (a URL event type per page view)
          --learners N       learners in the generated archive (default: the generator's)
          --courses N        courses in the generated archive (default: the generator's 5; a platform has hundreds)
          --dir DIR          measure this archive instead of a generated one
          --runs R           measured runs per tool, alternating (default 3)
          --warmup W         unmeasured runs first (default 1)
          --threads T        threads for XAnalytics (default: all cores)
          --peers a,b        only these peers (e.g. "duckdb,XAnalytics count")
          --jobs a,b         only the jobs whose names contain one of these (e.g. "count by event_type,report")
          --cli PATH         a published xanalytics to measure (default: build src/XAnalytics.Cli)
          --no-build         use the last build of src/XAnalytics.Cli
        Micro-benchmarks: BenchmarkDotNet's own arguments, e.g. --filter '*ReportFold*' --job short.
        """;

    public static async Task<int> Main(string[] args)
    {
        string verb = args.FirstOrDefault() ?? "";
        if (verb is "compare" or "memory" && args.Skip(1).Any(a => a is "--help" or "-h" or "-?"))
        {
            Console.Out.Write(CompareUsage);
            return 0;
        }

        try
        {
            return await RunAsync(verb, args).ConfigureAwait(false);
        }
        catch (ArgumentException e) when (verb is "compare" or "memory")
        {
            // A wrong option: said plainly with the usage, not a stack trace.
            Console.Error.WriteLine($"{verb}: {e.Message}");
            Console.Error.Write(CompareUsage);
            return 2;
        }
    }

    private static async Task<int> RunAsync(string verb, string[] args)
    {
        switch (verb)
        {
            case "compare":
                return await CompareCommand.RunAsync(args[1..]);
            case "memory":
                return await MemoryCommand.RunAsync(args[1..]);
            case "measure":
                return await ChildMeasure.WrapperMainAsync(args[1..]);
            case "duckdb-count":
                return DuckDbCount.Run(args[1..]);
            case "learner-pass":
                return await LearnerPass.RunAsync(args[1..]);
            case "duckdb-exec":
                return DuckDbCount.Exec(args[1..]);
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
                return 0;
        }
    }
}
