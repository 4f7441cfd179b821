using System.IO.Compression;
using System.Text;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;

namespace XAnalytics.PublicApi.Tests;

/// <summary>The README's embedding example, and a custom stage, through the public API only.</summary>
public sealed class EmbeddingTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-embed-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task RunAsync_CountByEventType_CountsAndCountersFromPublicApi()
    {
        WriteGzip("server1/tracking.log-20150301-1.gz",
            Event("alice1", "play_video"), Event("bob2", "play_video"), Event("alice1", "problem_check"), "not json at all");
        WriteGzip("server2/tracking.log-20150302-1.gz", Event("carol3", "play_video"));

        var byType = new CountAggregate([FieldPath.Parse("event_type")]);
        PipelineRun run = EventPipeline.Start(
            new PipelineOptions { Source = new() { Inputs = [_dir.FullName] }, Threads = 2 },
            stages: [],
            sink: new AggregateSink<CountTable>(byType));
        RunResult result = await run.Completion.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, run.Files.Files.Count);
        Assert.Equal(5, result.Counters.LinesRead);
        Assert.Equal(4, result.Counters.Written);
        Assert.Equal(1, result.Counters.Rejected);
        Assert.True(result.Counters.IsBalanced);
        Assert.False(result.IsClean);
        Assert.Collection(byType.Result!.Rows!,
            row => { Assert.Equal("play_video", row.Values[0]); Assert.Equal(3, row.Count); },
            row => { Assert.Equal("problem_check", row.Values[0]); Assert.Equal(1, row.Count); });
    }

    [Fact]
    public async Task RunAsync_ConvertToBsonPartsThenReadBack_SameLinesFromPublicApi()
    {
        WriteGzip("in/a.gz", Event("alice1", "play_video"), Event("bob2", "pause_video"), Event("carol3", "play_video"));
        string parts = Path.Combine(_dir.FullName, "bson");

        var sink = new BsonPartsSink(new PartsSinkOptions { OutputDirectory = parts, MaxEventsPerPart = 2 });
        RunResult converted = await EventPipeline.RunAsync(
            new PipelineOptions { Source = new() { Inputs = [Path.Combine(_dir.FullName, "in")] } }, [], sink).WaitAsync(TimeSpan.FromSeconds(60));
        using var output = new MemoryStream();
        RunResult read = await EventPipeline.RunAsync(
            new PipelineOptions { Source = new() { Inputs = [parts], Format = XAnalytics.Pipeline.InputFormat.Bson } }, [], new JsonLinesStreamSink(output))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(["part-00000.bson", "part-00001.bson"], sink.Parts.Select(p => p.Name));
        Assert.Equal(3, converted.Counters.Written);
        Assert.Equal(3, read.Counters.Written);
        Assert.Equal(3, Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task RunAsync_CustomFilterStage_FiltersAreCountedAndBalanced()
    {
        WriteGzip("a.gz", Event("alice1", "play_video"), Event("bob2", "pause_video"), Event("carol3", "play_video"));

        var totals = new CountAggregate([]);
        RunResult result = await EventPipeline.RunAsync(
            new PipelineOptions { Source = new() { Inputs = [_dir.FullName] } },
            stages: [new KeepEventType("play_video")],
            sink: new AggregateSink<CountTable>(totals)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, totals.Result!.Events);
        Assert.Equal(2, totals.Result.DistinctUsers);
        Assert.Equal(1, result.Counters.Filtered);
        Assert.Equal(1, result.Counters.Stages["keep-type"].In - result.Counters.Stages["keep-type"].Out);
        Assert.True(result.Counters.IsBalanced);
        Assert.True(result.IsClean);
    }

    [Fact]
    public async Task RunAsync_CustomSink_CountsWrittenAndBalances()
    {
        WriteGzip("a.gz", Event("alice1", "play_video"), Event("bob2", "pause_video"), "{broken");
        var sink = new LineLengthSink();

        RunResult result = await EventPipeline.RunAsync(
            new PipelineOptions { Source = new() { Inputs = [_dir.FullName] } }, stages: [], sink: sink).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, result.Counters.Written);
        Assert.Equal(1, result.Counters.Rejected);
        Assert.True(result.Counters.IsBalanced);
        Assert.True(sink.TotalBytes > 0);
        Assert.True(sink.Completed);
    }

    /// <summary>A sink written from outside the library: sums the events' JSON bytes, in input order.</summary>
    private sealed class LineLengthSink : IEventSink
    {
        public long TotalBytes { get; private set; }

        public bool Completed { get; private set; }

        public bool RequiresInputOrder => true;

        public ITargetBlock<EventBatch> CreateBlock(StageContext context) => new ActionBlock<EventBatch>(batch =>
        {
            using (batch)
            {
                for (int i = 0; i < batch.Count; i++)
                {
                    TotalBytes += batch.GetUtf8(i).Length;
                }

                context.Counters.AddWritten(batch.Count);
            }
        }, new ExecutionDataflowBlockOptions { BoundedCapacity = context.BoundedCapacity, CancellationToken = context.CancellationToken });

        public Task CompleteAsync(CancellationToken cancellationToken)
        {
            Completed = true;
            return Task.CompletedTask;
        }
    }

    /// <summary>A filter written the way the README says: a TransformBlock with the run's options.</summary>
    private sealed class KeepEventType(string eventType) : IEventStage
    {
        private static readonly FieldPath s_type = FieldPath.Parse("event_type");
        private readonly byte[] _wanted = Encoding.UTF8.GetBytes(eventType);

        public string Name => "keep-type";

        public IPropagatorBlock<EventBatch, EventBatch> CreateBlock(StageContext context)
        {
            StageCounters counters = context.Counters.ForStage(Name);
            return new TransformBlock<EventBatch, EventBatch>(batch =>
            {
                var keep = new bool[batch.Count];
                for (int i = 0; i < batch.Count; i++)
                {
                    keep[i] = batch.TryGetField(i, s_type, out FieldValue value) && value.ValueEquals(_wanted);
                }

                int before = batch.Count;
                int dropped = batch.Retain(keep);
                context.Counters.AddFiltered(dropped);
                counters.Add(before, batch.Count);
                return batch;
            }, context.ParallelBlockOptions());
        }
    }

    private static string Event(string user, string type)
        => $$"""{"username": "{{user}}", "event_type": "{{type}}", "time": "2015-03-01T10:00:00+00:00", "context": {"course_id": "course-v1:OrgX+C1+2015_T1"}, "event": "{}"}""";

    private void WriteGzip(string relative, params string[] lines)
    {
        string path = Path.Combine(_dir.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gz.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
    }
}
