using System.IO.Compression;
using MongoDB.Bson;
using XAnalytics.Pipeline;

namespace XAnalytics.Tests.Sources;

/// <summary>BSON input: framing by length prefix, documents numbered as lines, bad files and rejects.</summary>
public sealed class BsonReaderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-bsonread-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static byte[] Doc(int i) => new BsonDocument { { "seq", i }, { "event_type", $"e{i}" }, { "pad", new string('x', i * 37 % 500) } }.ToBson();

    private string Write(string name, params byte[][] documents)
    {
        string path = Path.Combine(_dir.FullName, name);
        using Stream file = File.Create(path);
        using Stream stream = name.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionLevel.Fastest) : file;
        foreach (byte[] d in documents)
        {
            stream.Write(d);
        }

        return path;
    }

    private async Task<(RunResult Result, List<string> Lines, string[] Rejects)> ReadAsync(string path, int maxLineBytes = 1 << 20)
    {
        string rejects = Path.Combine(_dir.FullName, "rejects.tsv");
        using var output = new MemoryStream();
        RunResult result = await EventPipeline.RunAsync(
            new PipelineOptions { Source = new() { Inputs = [path] }, RejectsPath = rejects, MaxLineBytes = maxLineBytes, BatchEvents = 7, BatchBytes = 2048 },
            [],
            new XAnalytics.Sinks.JsonLinesStreamSink(output)).WaitAsync(TimeSpan.FromSeconds(60));
        List<string> lines = [.. System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        return (result, lines, File.ReadAllLines(rejects)[1..]);
    }

    [Theory]
    [InlineData("events.bson")]
    [InlineData("events.bson.gz")]
    public async Task Read_ManyDocuments_AllInOrderAcrossBatchesAndBuffers(string name)
    {
        byte[][] docs = [.. Enumerable.Range(0, 3000).Select(Doc)];
        string path = Write(name, docs);

        var (result, lines, _) = await ReadAsync(path);

        Assert.Equal(3000, lines.Count);
        Assert.Equal(Enumerable.Range(0, 3000), lines.Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!["seq"]!.GetValue<int>()));
        Assert.Equal(3000, result.Counters.LinesRead);
        Assert.True(result.Counters.IsBalanced);
        Assert.True(result.IsClean);
    }

    [Fact]
    public async Task Read_MalformedDocumentInside_RejectedWithItsDocumentNumber()
    {
        byte[] bad = Doc(1);
        bad[4] = 0x0C; // DBPointer: a type with no JSON form here
        string path = Write("events.bson", Doc(0), bad, Doc(2));

        var (result, lines, rejects) = await ReadAsync(path);

        Assert.Equal(2, lines.Count);
        Assert.Equal(1, result.Counters.RejectedByReason[BsonRejectReasons.InvalidBson]);
        Assert.StartsWith($"{path}\t2\t{BsonRejectReasons.InvalidBson}\t", Assert.Single(rejects), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_FileEndsInsideDocument_BadFileAfterTheGoodOnes()
    {
        byte[] last = Doc(2);
        string path = Write("events.bson", Doc(0), Doc(1), last[..(last.Length / 2)]);

        var (result, lines, _) = await ReadAsync(path);

        Assert.Equal(2, lines.Count);
        BadFile bad = Assert.Single(result.Counters.BadFiles);
        Assert.Contains("truncated BSON", bad.Reason, StringComparison.Ordinal);
        Assert.True(result.Counters.IsBalanced);
    }

    [Fact]
    public async Task Read_ImpossibleLengthPrefix_BadFile()
    {
        string path = Write("events.bson", Doc(0), [2, 0, 0, 0, 0, 0]);

        var (result, lines, _) = await ReadAsync(path);

        Assert.Single(lines);
        Assert.Contains("corrupt BSON", Assert.Single(result.Counters.BadFiles).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_DocumentLongerThanBound_SkippedAsTooLong()
    {
        byte[] big = new BsonDocument { { "pad", new string('y', 5000) } }.ToBson();
        string path = Write("events.bson", Doc(0), big, Doc(2));

        var (result, lines, rejects) = await ReadAsync(path, maxLineBytes: 4096);

        Assert.Equal(2, lines.Count);
        Assert.Equal(1, result.Counters.RejectedByReason[RejectReasons.TooLong]);
        Assert.StartsWith($"{path}\t2\t", Assert.Single(rejects), StringComparison.Ordinal);
        Assert.True(result.Counters.IsBalanced);
    }

    [Fact]
    public async Task Read_LineFilter_AppliesToBsonInputAsToItsJson()
    {
        // A grep on BSON input filters the JSON each document converts to; what it turns down is counted as filtered.
        string path = Write("events.bson", Doc(0), Doc(1), Doc(2), Doc(12));
        using var output = new MemoryStream();
        RunResult result = await EventPipeline.RunAsync(
            new PipelineOptions
            {
                Source = new() { Inputs = [path] },
                Parse = new XAnalytics.Pipeline.ParseOptions { LineFilter = XAnalytics.Pipeline.ParseOptions.ContainsText("\"event_type\":\"e1") },
            },
            [],
            new XAnalytics.Sinks.JsonLinesStreamSink(output)).WaitAsync(TimeSpan.FromSeconds(60));

        string[] lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([1, 12], lines.Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!["seq"]!.GetValue<int>()));
        Assert.Equal(2, result.Counters.Filtered);
        Assert.Equal(2, result.Counters.Written);
        Assert.True(result.Counters.IsBalanced);
    }

    [Fact]
    public async Task Count_BsonInput_FieldsIndexedWithoutTheParsePass()
    {
        string path = Write("events.bson", Doc(0), Doc(1), Doc(7));
        var count = new XAnalytics.Aggregates.CountAggregate([XAnalytics.Events.FieldPath.Parse("event_type")]);

        await EventPipeline.RunAsync(new PipelineOptions { Source = new() { Inputs = [path] } }, [], new XAnalytics.Sinks.AggregateSink<XAnalytics.Aggregates.CountTable>(count))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(["e0", "e1", "e7"], count.Result!.Rows!.Select(r => r.Values[0]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Count_BsonInput_EscapedKeysValuesAndNestedPathsFound()
    {
        byte[] doc = new BsonDocument
        {
            { "q\"k", "tab\there" },
            { "context", new BsonDocument { { "course_id", "c\"1" } } },
            { "n", 5 },
        }.ToBson();
        string path = Write("events.bson", doc, doc);
        var count = new XAnalytics.Aggregates.CountAggregate(
            [XAnalytics.Events.FieldPath.Parse("q\"k"), XAnalytics.Events.FieldPath.Parse("context.course_id"), XAnalytics.Events.FieldPath.Parse("n")]);

        await EventPipeline.RunAsync(new PipelineOptions { Source = new() { Inputs = [path] } }, [], new XAnalytics.Sinks.AggregateSink<XAnalytics.Aggregates.CountTable>(count))
            .WaitAsync(TimeSpan.FromSeconds(60));

        var row = Assert.Single(count.Result!.Rows!);
        Assert.Equal(["tab\there", "c\"1", "5"], row.Values);
        Assert.Equal(2, row.Count);
    }
}
