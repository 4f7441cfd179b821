using XAnalytics.Aggregates;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Stages;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Aggregates;

public sealed class SchemaAggregateTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-schema-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Run_AnyThreadsReadersOrBatches_SameSchemaWithExamplesFromTheFirstOccurrence()
    {
        // Workers see batches in whatever order they come; the example of a path is still the one of its first
        // occurrence in input order (file, then line), so the schema is the same whatever the run's shape.
        string archive = Path.Combine(_dir.FullName, "archive");
        await TestArchives.GenerateAsync(archive, events: 3_000, files: 4, courses: 3, learners: 150, days: 2);

        SchemaResult one = await SchemaAsync(archive, threads: 1, readers: 1, batchEvents: 4096);
        SchemaResult many = await SchemaAsync(archive, threads: 4, readers: 4, batchEvents: 7);
        SchemaResult other = await SchemaAsync(archive, threads: 3, readers: 2, batchEvents: 31);

        Assert.True(one.Fields.Count > 30, $"only {one.Fields.Count} paths");
        Assert.Equal(Lines(one), Lines(many));
        Assert.Equal(Lines(one), Lines(other));
    }

    [Fact]
    public async Task Run_ExampleIsTheFirstOccurrenceInInputOrder()
    {
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "in"));
        File.WriteAllLines(Path.Combine(_dir.FullName, "in", "a.log"), [.. Enumerable.Range(0, 50).Select(i => $$"""{"k":"a{{i}}"}""")]);
        File.WriteAllLines(Path.Combine(_dir.FullName, "in", "b.log"), [.. Enumerable.Range(0, 50).Select(i => $$"""{"k":"b{{i}}","x":{{i}}}""")]);

        SchemaResult result = await SchemaAsync(Path.Combine(_dir.FullName, "in"), threads: 4, readers: 4, batchEvents: 3);

        Assert.Equal("a0", Assert.Single(result.Fields, f => f.Path == "k").Example);
        Assert.Equal("0", Assert.Single(result.Fields, f => f.Path == "x").Example);
        Assert.Equal(100, Assert.Single(result.Fields, f => f.Path == "k").Count);
    }

    private static async Task<SchemaResult> SchemaAsync(string input, int threads, int readers, int batchEvents)
    {
        var schema = new SchemaAggregate();
        await EventPipeline.RunAsync(
            new PipelineOptions { Source = new() { Inputs = [input] }, Threads = threads, Readers = readers, BatchEvents = batchEvents, BatchBytes = 4096 },
            [DecodeBrowserEventStage.Create()],
            new AggregateSink<SchemaPartial>(schema)).WaitAsync(TimeSpan.FromSeconds(60));
        return schema.Result!;
    }

    private static string[] Lines(SchemaResult result)
        => [.. result.Fields.Select(f => $"{f.Path}\t{f.Count}\t{f.Example}"), $"events {result.Events}, left out {result.PathsLeftOut}"];
}
