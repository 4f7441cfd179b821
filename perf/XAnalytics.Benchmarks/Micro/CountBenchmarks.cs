using BenchmarkDotNet.Attributes;
using XAnalytics.Aggregates;
using XAnalytics.Events;

namespace XAnalytics.Benchmarks.Micro;

/// <summary>Folding parsed batches into a count partial: build the key, hash it, bump its counter.</summary>
[Config(typeof(BenchConfig))]
public class CountBenchmarks
{
    private readonly CountAggregate _byType = new([FieldPath.Parse("event_type")]);
    private readonly CountAggregate _byCourseAndDay = new([FieldPath.Parse("context.course_id"), FieldPath.Parse("day")]);
    private readonly CountAggregate _totals = new([]);
    private EventBatch[] _batches = [];
    private EventBatch[] _realBatches = [];

    [GlobalSetup]
    public void Setup()
    {
        _batches = MicroFixture.ParsedBatches();
        _realBatches = MicroFixture.ParsedBatches(BenchData.RealLog);
    }

    [Benchmark(Baseline = true)]
    public long Count_By_event_type() => Accumulate(_byType);

    [Benchmark]
    public long Count_By_course_and_day() => Accumulate(_byCourseAndDay);

    [Benchmark]
    public long Count_Totals_and_users() => Accumulate(_totals);

    /// <summary>
    /// The real-log shape: a URL event type per page view (about 6,000 distinct values in the sample), counted and
    /// then finished (rows sorted), as a count's end does.
    /// </summary>
    [Benchmark]
    public int Count_By_event_type_real_log_shape_and_sort()
    {
        var byType = new CountAggregate([FieldPath.Parse("event_type")]);
        CountTable table = byType.CreatePartial();
        foreach (EventBatch batch in _realBatches)
        {
            byType.Accumulate(table, batch);
        }

        byType.Complete(table);
        return byType.Result!.Rows!.Count;
    }

    private long Accumulate(CountAggregate aggregate)
    {
        CountTable table = aggregate.CreatePartial();
        foreach (EventBatch batch in _batches)
        {
            aggregate.Accumulate(table, batch);
        }

        return table.Events;
    }
}
