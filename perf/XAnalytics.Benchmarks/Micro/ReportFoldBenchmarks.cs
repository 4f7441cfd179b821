using BenchmarkDotNet.Attributes;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Reports;

namespace XAnalytics.Benchmarks.Micro;

/// <summary>
/// The report's fold: parsed batches folded into each of its tables alone (<c>report --only NAME</c>), and into all of
/// them at once, beside the fold of a count by <c>event_type</c> over the same batches. The fold is what a report adds to
/// a count per event (reading, decompressing and parsing are the same for both); its completion and files are not
/// measured here (perf/'s <c>compare</c> runs the whole job).
/// </summary>
/// <remarks>
/// Each operation folds the whole sample into fresh partials, as a worker does; the tables that spill (video, module
/// engagement) hold the sample's records in memory. The facts every table shares (<c>EventFacts</c>) are read by the
/// first table that asks, so <c>events_daily</c> alone is about the facts' cost.
/// </remarks>
[Config(typeof(BenchConfig))]
public class ReportFoldBenchmarks
{
    private LearnerReports? _reports;
    private EventBatch[] _batches = [];
    private string _scratch = "";

    /// <summary>A table as <c>--only</c> names it, or <c>all</c>.</summary>
    [Params("all", "events_daily", "weekly_activity", "enrollment_daily", "video", "module_engagement", "active_users_weekly",
        "courseware_link_clicked", "course_enrollment", "forum_activity", "tags_distribution", "problem_response",
        "answer_distribution", "course_pages")]
    public string Only { get; set; } = "all";

    /// <summary>The sample's shape: <c>synthetic</c> (the generator's) or <c>real</c> (a URL event type per page view, 50,000 learners).</summary>
    [Params("synthetic", "real")]
    public string Shape { get; set; } = "synthetic";

    [GlobalSetup]
    public void Setup()
    {
        _batches = MicroFixture.ParsedBatches(Shape == "real" ? BenchData.RealLog : BenchData.Shared, indexContext: true); // as report parses
        _scratch = Directory.CreateTempSubdirectory("xanalytics-fold-bench-").FullName;
        _reports = LearnerReports.Create(new ReportOptions
        {
            Only = Only == "all" ? [] : [Only],
            ScratchDirectory = _scratch,
            PublicDataDir = null,
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _reports?.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    /// <summary>The baseline: a count by <c>event_type</c>'s fold over the same batches.</summary>
    [Benchmark(Baseline = true)]
    public long Count_by_event_type()
    {
        var count = new CountAggregate([FieldPath.Parse("event_type")]);
        CountTable table = count.CreatePartial();
        foreach (EventBatch batch in _batches)
        {
            count.Accumulate(table, batch);
        }

        return table.Events;
    }

    [Benchmark]
    public object Report_fold()
    {
        CombinedAggregate aggregate = _reports!.Aggregate;
        CombinedPartial partial = aggregate.CreatePartial();
        foreach (EventBatch batch in _batches)
        {
            aggregate.Accumulate(partial, batch);
        }

        return partial;
    }
}
