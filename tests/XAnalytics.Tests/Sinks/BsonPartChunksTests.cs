using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json.Nodes;
using XAnalytics.Aggregates;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Sources;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Sinks;

/// <summary>
/// A BSON parts folder's manifest lists each part's chunks of whole documents (byte length and XXH3): they add up to
/// the part and hash its bytes; a chunk list that does not add up is reported as a size mismatch; a manifest
/// without chunks reads as before.
/// </summary>
public sealed class BsonPartChunksTests
{
    [Fact]
    public async Task Write_BsonParts_ChunksOfWholeDocumentsAddUpAndHashTheirBytes()
    {
        using var dir = new TempDir();
        string parts = await WriteBsonPartsAsync(dir);

        JsonObject manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(parts, PartsManifest.FileName)))!.AsObject();
        int chunked = 0;
        foreach (JsonNode? part in manifest["parts"]!.AsArray())
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(parts, (string)part!["name"]!));
            JsonArray chunks = part["chunks"]!.AsArray();
            int offset = 0;
            foreach (JsonNode? chunk in chunks)
            {
                int length = (int)chunk!["bytes"]!;
                Assert.True(length > 0);
                Span<byte> span = bytes.AsSpan(offset, length);
                Assert.Equal(XxHash3.HashToUInt64(span).ToString("x16", CultureInfo.InvariantCulture), (string)chunk["xxh3"]!);

                // Whole documents: their int32 lengths end exactly at the chunk's end.
                int at = 0;
                while (at < span.Length)
                {
                    at += BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
                }

                Assert.Equal(span.Length, at);
                offset += length;
            }

            Assert.Equal(bytes.Length, offset);
            Assert.Equal((long)part["bytes"]!, offset);
            chunked += chunks.Count > 1 ? 1 : 0;
        }

        Assert.True(chunked > 0, "no part was cut into more than one chunk");
    }

    [Fact]
    public async Task Read_ChunkedManifest_SameCountsAsTheJsonInput()
    {
        // Chunks are indexed on trust by default: a round trip gzip JSON -> BSON parts -> count matches the JSON's count.
        using var dir = new TempDir();
        string parts = await WriteBsonPartsAsync(dir);

        (RunResult json, CountResult jsonCounts) = await Run.CountAsync(Run.Options([dir.PathOf("in")]));
        (RunResult bson, CountResult bsonCounts) = await Run.CountAsync(Run.Options([parts]));

        Assert.Empty(bson.Counters.BadFiles);
        Assert.Equal(json.Counters.Written, bson.Counters.Written);
        Assert.Equal(jsonCounts.Rows!.Select(static r => string.Join("|", r.Values) + "=" + r.Count), bsonCounts.Rows!.Select(static r => string.Join("|", r.Values) + "=" + r.Count));
    }

    [Fact]
    public async Task Plan_ChunksNotAddingUpToThePart_ReportedLikeASizeMismatch()
    {
        using var dir = new TempDir();
        string parts = await WriteBsonPartsAsync(dir);
        string manifestPath = Path.Combine(parts, PartsManifest.FileName);
        JsonObject manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        JsonNode first = manifest["parts"]![0]!["chunks"]![0]!;
        first["bytes"] = (long)first["bytes"]! - 1;
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        FormatException e = Assert.Throws<FormatException>(() => FileSource.Plan(new FileSourceOptions { Inputs = [parts] }));

        Assert.Contains("part-00000.bson's chunks in its manifest.json add up to", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("nothing was read.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ManifestWithoutChunks_AsBefore()
    {
        using var dir = new TempDir();
        string parts = await WriteBsonPartsAsync(dir);
        string manifestPath = Path.Combine(parts, PartsManifest.FileName);
        JsonObject manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        foreach (JsonNode? part in manifest["parts"]!.AsArray())
        {
            Assert.True(part!.AsObject().Remove("chunks"));
        }

        File.WriteAllText(manifestPath, manifest.ToJsonString());

        (RunResult json, CountResult jsonCounts) = await Run.CountAsync(Run.Options([dir.PathOf("in")]));
        (RunResult bson, CountResult bsonCounts) = await Run.CountAsync(Run.Options([parts]));

        Assert.Empty(bson.Counters.BadFiles);
        Assert.Equal(json.Counters.Written, bson.Counters.Written);
        Assert.Equal(jsonCounts.Rows!.Select(static r => string.Join("|", r.Values) + "=" + r.Count), bsonCounts.Rows!.Select(static r => string.Join("|", r.Values) + "=" + r.Count));
    }

    /// <summary>About 3 MB of made-up events (in a gzip JSON log) as BSON parts of 5,000 events (several 1 MiB chunks each); returns the folder.</summary>
    private static async Task<string> WriteBsonPartsAsync(TempDir dir)
    {
        var text = new StringBuilder();
        for (int i = 0; i < 9000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{{\"username\":\"learner_{i % 7}\",\"event_type\":\"type_{i % 5}\",\"time\":\"2015-03-01T10:00:00+00:00\",\"pad\":\"{new string('x', i * 37 % 400)}\"}}\n");
        }

        dir.WriteGzip("in/a.log.gz", text.ToString());
        string parts = dir.PathOf("parts");
        RunResult written = await EventPipeline.RunAsync(
            Run.Options([dir.PathOf("in")]), [], new BsonPartsSink(new PartsSinkOptions { OutputDirectory = parts, MaxEventsPerPart = 5000 }))
            .WaitAsync(Run.Timeout);
        Assert.Equal(9000, written.Counters.Written);
        return parts;
    }
}
