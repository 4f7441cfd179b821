using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;

namespace XAnalytics.Tests.TestSupport;

/// <summary>Runs pipelines the way the tests need them, with a timeout and the balance check on every finished run.</summary>
internal static class Run
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static PipelineOptions Options(string[] inputs, string? rejectsPath = null, int threads = 2) => new()
    {
        Source = new FileSourceOptions { Inputs = inputs },
        RejectsPath = rejectsPath,
        Threads = threads,
    };

    /// <summary>Counts by <c>event_type</c>; returns the run's result and the counts.</summary>
    public static async Task<(RunResult Result, CountResult Counts)> CountAsync(PipelineOptions options, params string[] by)
    {
        var paths = new FieldPath[by.Length == 0 ? 1 : by.Length];
        for (int i = 0; i < paths.Length; i++)
        {
            paths[i] = FieldPath.Parse(by.Length == 0 ? "event_type" : by[i]);
        }

        var aggregate = new CountAggregate(paths);
        RunResult result = await EventPipeline.RunAsync(options, stages: [], sink: new AggregateSink<CountTable>(aggregate))
            .WaitAsync(Timeout);
        AssertBalanced(result.Counters);
        Assert.NotNull(aggregate.Result);
        Assert.Equal(result.Counters.Written, aggregate.Result.Events);
        return (result, aggregate.Result);
    }

    /// <summary>Records every event; returns the run's result and the events in arrival order.</summary>
    public static async Task<(RunResult Result, IReadOnlyList<SeenEvent> Seen)> RecordAsync(
        PipelineOptions options, bool ordered = true, IReadOnlyList<IEventStage>? stages = null)
    {
        var sink = new RecordingSink(ordered);
        RunResult result = await EventPipeline.RunAsync(options, stages ?? [], sink).WaitAsync(Timeout);
        AssertBalanced(result.Counters);
        return (result, sink.Seen);
    }

    /// <summary>The invariant of every finished run: each non-blank line read is written, filtered or rejected.</summary>
    public static void AssertBalanced(RunCounters c)
    {
        Assert.True(c.IsBalanced, $"unbalanced: read {c.LinesRead} != written {c.Written} + filtered {c.Filtered} + rejected {c.Rejected}");
        Assert.Equal(c.Files, c.FilesDone);
    }

    /// <summary>The rows of a rejects TSV after its header: file, line, reason, detail, raw.</summary>
    public static IReadOnlyList<string[]> ReadRejects(string path)
    {
        string[] lines = File.ReadAllLines(path);
        Assert.Equal("file\tline\treason\tdetail\traw", lines[0]);
        var rows = new List<string[]>();
        for (int i = 1; i < lines.Length; i++)
        {
            string[] fields = lines[i].Split('\t');
            Assert.Equal(5, fields.Length);
            rows.Add(fields);
        }

        return rows;
    }
}
