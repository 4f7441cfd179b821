using System.Threading.Tasks.Dataflow;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// Merge, forced: a sink that deals batches round-robin to several partials (so every report's Merge runs on
/// real data whatever the scheduler does), against one partial for everything.
/// </summary>
public sealed class MergeTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-merge-");

    public void Dispose() => _dir.Delete(recursive: true);

    [EdxCorpusFact]
    public async Task Merge_BatchesDealtToFivePartials_SameCsvsAsOnePartial()
    {
        var options = new ReportOptions { PublicDataDir = XAnalytics.Tests.Reports.Reference.PublicData.Directory };
        string one = await RunAsync(options, partials: 1, "one");
        string five = await RunAsync(options, partials: 5, "five");

        foreach (string csv in Directory.GetFiles(one, "*.csv"))
        {
            Assert.Equal(File.ReadAllText(csv), File.ReadAllText(Path.Combine(five, Path.GetFileName(csv))));
        }
    }

    private async Task<string> RunAsync(ReportOptions options, int partials, string name)
    {
        using LearnerReports reports = LearnerReports.Create(options);
        var pipeline = new PipelineOptions
        {
            Source = new FileSourceOptions { Inputs = [EdxCorpus.Directory!] },
            Threads = 2,
            BatchEvents = 5,
            RejectsPath = null,
        };
        await EventPipeline.RunAsync(pipeline, [], new RoundRobinSink(reports.Aggregate, partials)).WaitAsync(TimeSpan.FromSeconds(60));
        string dir = Path.Combine(_dir.FullName, name);
        ReportWriter.Write(reports, dir);
        return dir;
    }

    private sealed class RoundRobinSink(CombinedAggregate aggregate, int count) : IEventSink
    {
        private readonly CombinedPartial[] _partials = [.. Enumerable.Range(0, count).Select(_ => aggregate.CreatePartial())];
        private int _next;

        public bool RequiresInputOrder => false;

        public ITargetBlock<EventBatch> CreateBlock(StageContext context) => new ActionBlock<EventBatch>(batch =>
        {
            using (batch)
            {
                aggregate.Accumulate(_partials[_next++ % _partials.Length], batch);
                context.Counters.AddWritten(batch.Count);
            }
        });

        public Task CompleteAsync(CancellationToken cancellationToken)
        {
            for (int i = 1; i < _partials.Length; i++)
            {
                aggregate.Merge(_partials[0], _partials[i]);
            }

            aggregate.Complete(_partials[0]);
            return Task.CompletedTask;
        }
    }
}
