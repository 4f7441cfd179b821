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
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
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
