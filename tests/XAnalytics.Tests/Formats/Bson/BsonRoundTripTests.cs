using System.Text;
using System.Text.Json.Nodes;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using XAnalytics.Formats.Bson;
using XAnalytics.Internal;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Tests.Sources;

namespace XAnalytics.Tests.Formats.Bson;

/// <summary>JSON → BSON → JSON keeps every event: types, odd keys, big numbers, unicode; what BSON cannot hold is a reject.</summary>
public sealed class BsonRoundTripTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-bson-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static byte[] Encode(string json)
    {
        using var output = new PooledBufferWriter(256);
        string? reason = BsonEncoder.TryAppend(Encoding.UTF8.GetBytes(json), output, out string detail);
        Assert.True(reason is null, $"{reason}: {detail}");
        return output.WrittenSpan.ToArray();
    }

    private static string Decode(byte[] bson)
    {
        using var output = new PooledBufferWriter(256);
        string? reason = BsonDecoder.TryAppendJson(bson, output, null, out string detail);
        Assert.True(reason is null, $"{reason}: {detail}");
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Theory]
    [InlineData("""{"a":1,"b":-2147483648,"c":2147483648,"d":-9223372036854775808}""")]
    [InlineData("""{"big":123456789012345678901234567890,"neg":-98765432109876543210}""")]
    [InlineData("""{"x":1.0,"y":0.1,"z":-2.5e-8,"w":1e400,"v":0.1000000000000000000001,"u":1E+16,"t":5e-324}""")]
    [InlineData("""{"$set":{"a.b":1},"":"empty key","$":null,"k.":[]}""")]
    [InlineData("""{"s":"caf\u00e9 \ud83d\ude00 日本語 \"q\" \\ \n\t\u0001 \u0000 nul inside a value","é":"raw ü"}""")]
    [InlineData("""{"a":[1,[2,[3,{"b":[true,false,null]}]],{}],"o":{"p":{"q":{}}},"arr":[]}""")]
    [InlineData("""{"event":"{\"POST\": {}, \"GET\": {}}","page":null,"n":-0,"m":0.0}""")]
    public void Encode_ThenDecode_SameJsonValue(string json)
    {
        string back = Decode(Encode(json));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(back)), back);
        Assert.Equal(back, Decode(Encode(back))); // stable: a second trip changes nothing
    }

    [Fact]
    public void Encode_Numbers_KeepTheirBsonType()
    {
        BsonDocument doc = BsonSerializer.Deserialize<BsonDocument>(Encode(
            """{"i":7,"l":9007199254740993,"big":123456789012345678901234567890,"d":1.5,"whole":2.0,"precise":0.1000000000000000000001}"""));

        Assert.Equal(BsonType.Int32, doc["i"].BsonType);
        Assert.Equal(BsonType.Int64, doc["l"].BsonType);
        Assert.Equal(9007199254740993L, doc["l"].AsInt64);
        Assert.Equal(BsonType.Decimal128, doc["big"].BsonType);
        Assert.Equal("123456789012345678901234567890", doc["big"].AsDecimal128.ToString());
        Assert.Equal(BsonType.Double, doc["d"].BsonType);
        Assert.Equal(BsonType.Double, doc["whole"].BsonType);
        Assert.Equal(BsonType.Decimal128, doc["precise"].BsonType);
    }

    [Fact]
    public void Decode_IntegralDouble_KeepsAFraction()
    {
        Assert.Equal("""{"whole":2.0,"i":2}""", Decode(Encode("""{"whole":2.0,"i":2}""")));
    }

    [Fact]
    public void Encode_OddKeys_KeptAsTheyAre()
    {
        BsonDocument doc = BsonSerializer.Deserialize<BsonDocument>(Encode("""{"$set":1,"a.b":2,"":3}"""));

        Assert.Equal(["$set", "a.b", ""], doc.Names);
    }

    [Theory]
    [InlineData("""{"a\u0000b":1}""")]
    [InlineData("""{"o":{"\u0000":1}}""")]
    [InlineData("""{"n":1234567890123456789012345678901234567890}""")]
    [InlineData("""{"s":"\ud800 lone surrogate"}""")]
    public void Encode_NotRepresentable_RejectedAndOutputUnchanged(string json)
    {
        using var output = new PooledBufferWriter(256);
        output.Write([1, 2, 3]);

        string? reason = BsonEncoder.TryAppend(Encoding.UTF8.GetBytes(json), output, out string detail);

        Assert.Equal(BsonRejectReasons.NotRepresentable, reason);
        Assert.NotEmpty(detail);
        Assert.Equal([1, 2, 3], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Decode_ForeignTypes_ExtendedJson()
    {
        var doc = new BsonDocument
        {
            { "_id", new ObjectId("5f1d7f3e9b1e8a3d4c2b1a09") },
            { "at", new BsonDateTime(new DateTime(2015, 3, 1, 10, 0, 0, DateTimeKind.Utc)) },
            { "bin", new BsonBinaryData([1, 2, 3]) },
            { "nan", double.NaN },
        };

        JsonNode node = JsonNode.Parse(Decode(doc.ToBson()))!;

        Assert.Equal("5f1d7f3e9b1e8a3d4c2b1a09", node["_id"]!["$oid"]!.GetValue<string>());
        Assert.Equal("2015-03-01T10:00:00.000Z", node["at"]!["$date"]!.GetValue<string>());
        Assert.Equal("AQID", node["bin"]!["$binary"]!["base64"]!.GetValue<string>());
        Assert.Equal("NaN", node["nan"]!["$numberDouble"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_NulKey_CountedRejectWithFileAndLine()
    {
        string input = Path.Combine(_dir.FullName, "in.log");
        File.WriteAllText(input, "{\"a\":1}\n{\"bad\\u0000key\":2}\n{\"a\":3}\n");
        string rejects = Path.Combine(_dir.FullName, "rejects.tsv");

        RunResult result = await EventPipeline.RunAsync(
            new PipelineOptions { Source = new() { Inputs = [input] }, RejectsPath = rejects },
            [],
            new BsonPartsSink(new PartsSinkOptions { OutputDirectory = Path.Combine(_dir.FullName, "out") })).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, result.Counters.Written);
        Assert.Equal(1, result.Counters.RejectedByReason[BsonRejectReasons.NotRepresentable]);
        Assert.True(result.Counters.IsBalanced);
        string[] rows = File.ReadAllLines(rejects);
        Assert.Contains(rows, r => r.StartsWith($"{input}\t2\t{BsonRejectReasons.NotRepresentable}\t", StringComparison.Ordinal));
    }

    [SharedCorpusFact]
    public async Task Corpus_JsonToBsonToJson_EveryEventEqual()
    {
        string bson = Path.Combine(_dir.FullName, "bson");
        RunResult toBson = await EventPipeline.RunAsync(
            new PipelineOptions { Source = new() { Inputs = [SharedCorpus.Directory!] } },
            [],
            new BsonPartsSink(new PartsSinkOptions { OutputDirectory = bson, MaxEventsPerPart = 500 })).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, toBson.Counters.RejectedByReason.GetValueOrDefault(BsonRejectReasons.NotRepresentable));

        List<string> source = await CatAsync(SharedCorpus.Directory!);
        List<string> back = await CatAsync(bson);

        Assert.True(source.Count > 2000, $"only {source.Count} events in the corpus");
        Assert.Equal(source.Count, back.Count);
        for (int i = 0; i < source.Count; i++)
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(source[i]), JsonNode.Parse(back[i])), $"event {i}:\n{source[i]}\n{back[i]}");
        }
    }

    [SharedCorpusFact]
    public async Task Corpus_CountOverBsonCopy_SameCountsAsOverJson()
    {
        // A count reads its fields straight from the BSON documents (no JSON is written): it must see what the
        // JSON shows, for top-level, nested, numeric and missing fields alike.
        string bson = Path.Combine(_dir.FullName, "bson");
        await EventPipeline.RunAsync(
            new PipelineOptions { Source = new() { Inputs = [SharedCorpus.Directory!] } },
            [],
            new BsonPartsSink(new PartsSinkOptions { OutputDirectory = bson, MaxEventsPerPart = 700 })).WaitAsync(TimeSpan.FromSeconds(60));
        string[][] keys = [["event_type"], ["context.course_id", "event_source"], ["username"], ["context.user_id", "event.id"], ["day"], []];
        foreach (string[] by in keys)
        {
            var (fromJson, jsonCounts) = await TestSupport.Run.CountAsync(TestSupport.Run.Options([SharedCorpus.Directory!]), by);
            var (fromBson, bsonCounts) = await TestSupport.Run.CountAsync(TestSupport.Run.Options([bson]), by);
            Assert.Equal(fromJson.Counters.Written, fromBson.Counters.Written);
            Assert.Equal(jsonCounts.DistinctUsers, bsonCounts.DistinctUsers);
            Assert.Equal(Rows(jsonCounts), Rows(bsonCounts));
        }

        static string[] Rows(XAnalytics.Aggregates.CountResult counts)
            => [.. (counts.Rows ?? []).Select(r => string.Join("|", r.Values) + "=" + r.Count).Order(StringComparer.Ordinal)];
    }

    /// <summary>The events of a run as JSON lines, in input order.</summary>
    internal static async Task<List<string>> CatAsync(string input, InputFormat format = InputFormat.Auto)
    {
        using var stream = new MemoryStream();
        await EventPipeline.RunAsync(
            new PipelineOptions { Source = new() { Inputs = [input], Format = format } },
            [],
            new JsonLinesStreamSink(stream)).WaitAsync(TimeSpan.FromSeconds(60));
        return [.. Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}
