using System.Globalization;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MongoDB.Bson;
using XAnalytics.Pipeline;
using XAnalytics.Sources;

namespace XAnalytics.Tests.Sources;

/// <summary>
/// A BSON part whose manifest lists its chunks is read one chunk at a time, and a chunk whose XXH3 matches has its
/// documents indexed on trust: the same events, rejects and bad files as the document-by-document check for
/// parts written by this tool or damaged after; no failure of the run and no read outside the part when a manifest
/// was forged to match damaged bytes; <c>XANALYTICS_BSON_TRUST=0</c> switches it off.
/// </summary>
/// <remarks>
/// The counts (<see cref="CountAsync"/>) read fields from the BSON without the parse stage, so a document damaged
/// inside a nested document is counted when its chunk was indexed on trust and missing when the reader checked it:
/// that is how these tests see which route a chunk took.
/// </remarks>
public sealed class BsonReaderTrustTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-bsontrust-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static byte[] Doc(int i) => new BsonDocument
    {
        { "username", $"learner{i % 5}" },
        { "event_type", $"e{i % 3}" },
        { "context", new BsonDocument { { "course_id", $"course-v1:Made+Up+{i % 2}" }, { "module", new BsonDocument { { "n", i } } } } },
        { "seq", i },
        { "pad", new string('x', i * 37 % 500) },
    }.ToBson();

    /// <summary>
    /// Writes a parts folder of one part with its manifest: the hashes of the part as made (or, when
    /// <paramref name="forge"/>, of the bytes as damaged), with a chunk every <paramref name="chunkDocuments"/>
    /// documents (none when 0), or at the byte lengths <paramref name="chunkBytes"/> when given.
    /// </summary>
    private string WritePart(byte[][] documents, Func<byte[], byte[]>? damage = null, bool forge = false, int chunkDocuments = 10, bool gzip = false, long[]? chunkBytes = null)
    {
        DirectoryInfo folder = _dir.CreateSubdirectory($"parts{Guid.NewGuid():N}");
        byte[] part = [.. documents.SelectMany(d => d)];
        byte[] damaged = damage?.Invoke((byte[])part.Clone()) ?? part;
        byte[] hashedPlain = forge ? damaged : part;
        byte[] written = Stored(damaged, gzip);
        byte[] hashed = forge ? written : Stored(part, gzip);
        string name = gzip ? "part-00000.bson.gz" : "part-00000.bson";
        File.WriteAllBytes(Path.Combine(folder.FullName, name), written);
        var entry = new JsonObject
        {
            ["name"] = name,
            ["events"] = documents.Length,
            ["bytes"] = written.Length,
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(hashed)),
            ["xxh3"] = Hex(hashed),
        };
        if (gzip)
        {
            // Only a forged manifest lists a gzip part's chunks: here the first is the first document as it reads
            // uncompressed, with its hash, and the lengths add up to the stored part, so the list is read past.
            int first = documents[0].Length;
            entry["chunks"] = new JsonArray(
                new JsonObject { ["bytes"] = first, ["xxh3"] = Hex(hashedPlain.AsSpan(0, first)) },
                new JsonObject { ["bytes"] = written.Length - first, ["xxh3"] = "0000000000000000" });
        }
        else if ((chunkBytes ??= chunkDocuments > 0 ? [.. documents.Chunk(chunkDocuments).Select(c => (long)c.Sum(d => d.Length))] : null) is { } lengths)
        {
            var chunks = new JsonArray();
            long at = 0;
            foreach (long length in lengths)
            {
                chunks.Add(new JsonObject { ["bytes"] = length, ["xxh3"] = Hex(hashedPlain.AsSpan((int)at, (int)length)) });
                at += length;
            }

            Assert.Equal(written.Length, at);
            entry["chunks"] = chunks;
        }

        var manifest = new JsonObject { ["format"] = "bson", ["parts"] = new JsonArray(entry) };
        File.WriteAllText(Path.Combine(folder.FullName, PartsManifest.FileName), manifest.ToJsonString());
        return folder.FullName;
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => XxHash3.HashToUInt64(bytes).ToString("x16", CultureInfo.InvariantCulture);

    private static byte[] Stored(byte[] bytes, bool gzip)
    {
        if (!gzip)
        {
            return bytes;
        }

        using var output = new MemoryStream();
        using (var zip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            zip.Write(bytes);
        }

        return output.ToArray();
    }

    private async Task<(RunResult Result, List<string> Lines, string[] Rejects)> ReadAsync(string path, bool trust, int batchEvents = 7, int batchBytes = 2048)
    {
        BsonReader.s_override.Value = trust;
        try
        {
            string rejects = Path.Combine(_dir.FullName, $"rejects{Guid.NewGuid():N}.tsv");
            using var output = new MemoryStream();
            RunResult result = await EventPipeline.RunAsync(
                new PipelineOptions { Source = new() { Inputs = [path] }, RejectsPath = rejects, BatchEvents = batchEvents, BatchBytes = batchBytes },
                [],
                new XAnalytics.Sinks.JsonLinesStreamSink(output)).WaitAsync(TimeSpan.FromSeconds(60));
            List<string> lines = [.. System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
            return (result, lines, File.ReadAllLines(rejects)[1..]);
        }
        finally
        {
            BsonReader.s_override.Value = null;
        }
    }

    private static async Task<XAnalytics.Aggregates.CountResult> CountAsync(string path, bool trust, params string[] by)
    {
        BsonReader.s_override.Value = trust;
        try
        {
            var count = new XAnalytics.Aggregates.CountAggregate([.. by.Select(XAnalytics.Events.FieldPath.Parse)]);
            RunResult result = await EventPipeline.RunAsync(
                new PipelineOptions { Source = new() { Inputs = [path] }, BatchEvents = 7, BatchBytes = 2048 },
                [],
                new XAnalytics.Sinks.AggregateSink<XAnalytics.Aggregates.CountTable>(count)).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(result.Counters.IsBalanced);
            return count.Result!;
        }
        finally
        {
            BsonReader.s_override.Value = null;
        }
    }

    private static async Task<long> CountedAsync(string path, bool trust) => (await CountAsync(path, trust, "event_type")).Rows!.Sum(r => r.Count);

    private static string Rows(XAnalytics.Aggregates.CountResult table)
        => string.Join("\n", table.Rows!.Select(r => string.Join("|", r.Values) + "=" + r.Count).Order(StringComparer.Ordinal));

    /// <summary>Where document <paramref name="index"/> (0-based) of <paramref name="documents"/> starts in the part.</summary>
    private static int StartOf(byte[][] documents, int index) => documents.Take(index).Sum(d => d.Length);

    private static int IndexOf(byte[] bytes, int from, ReadOnlySpan<byte> what) => from + bytes.AsSpan(from).IndexOf(what);

    /// <summary>Sets the type byte of document <paramref name="index"/>'s <c>context.module.n</c> to one with no JSON form.</summary>
    private static Func<byte[], byte[]> DamageNested(byte[][] documents, params int[] index) => part =>
    {
        foreach (int i in index)
        {
            part[IndexOf(part, StartOf(documents, i), "n\0"u8) - 1] = 0x0C;
        }

        return part;
    };

    [Fact]
    public void TrustSwitch_OnUnlessZero()
    {
        Assert.True(BsonReader.TrustFrom(null));
        Assert.True(BsonReader.TrustFrom("1"));
        Assert.False(BsonReader.TrustFrom("0"));
    }

    [Theory]
    [InlineData(7, 2048)]
    [InlineData(4096, 1 << 20)]
    public async Task Trusted_ChunkedPart_SameEventsFieldsAndCountsAsChecked(int batchEvents, int batchBytes)
    {
        byte[][] docs = [.. Enumerable.Range(0, 500).Select(Doc)];
        string folder = WritePart(docs, chunkDocuments: 23);

        var trusted = await ReadAsync(folder, trust: true, batchEvents, batchBytes);
        var checkedRun = await ReadAsync(folder, trust: false, batchEvents, batchBytes);

        Assert.Equal(500, trusted.Lines.Count);
        Assert.Equal(checkedRun.Lines, trusted.Lines);
        Assert.True(trusted.Result.IsClean);
        Assert.True(trusted.Result.Counters.IsBalanced);
        string[] by = ["event_type", "context.course_id", "context.module.n", "username"];
        Assert.Equal(Rows(await CountAsync(folder, false, by)), Rows(await CountAsync(folder, true, by)));
    }

    [Fact]
    public async Task Trusted_ChunkBytesChangedSameSize_ThatChunkCheckedSameRejectsAndBadFile()
    {
        byte[][] docs = [.. Enumerable.Range(0, 300).Select(Doc)];
        // Documents 101 and 201, inside a nested document (the index on trust would let them by), in chunks 11 and 21;
        // the manifest is left as written.
        string folder = WritePart(docs, DamageNested(docs, 100, 200));

        var trusted = await ReadAsync(folder, trust: true);
        var checkedRun = await ReadAsync(folder, trust: false);

        Assert.Equal(298, trusted.Lines.Count);
        Assert.Equal(checkedRun.Lines, trusted.Lines);
        Assert.Equal(checkedRun.Rejects, trusted.Rejects);
        Assert.Equal(2, trusted.Rejects.Length);
        Assert.Contains("\t101\tinvalid-bson\t", trusted.Rejects[0], StringComparison.Ordinal);
        Assert.Contains("\t201\tinvalid-bson\t", trusted.Rejects[1], StringComparison.Ordinal);
        BadFile bad = Assert.Single(trusted.Result.Counters.BadFiles);
        Assert.Contains("XXH3 does not match", bad.Reason, StringComparison.Ordinal);
        Assert.Equal(Assert.Single(checkedRun.Result.Counters.BadFiles).Reason, bad.Reason);
        Assert.True(trusted.Result.Counters.IsBalanced);

        // A count reads the BSON without the parse block: the damaged documents are missing only if the reader checked them.
        Assert.Equal(298, await CountedAsync(folder, trust: true));
    }

    [Fact]
    public async Task Trusted_ForgedManifestDamageAtTopLevel_RejectedAsByTheCheck()
    {
        byte[][] docs = [.. Enumerable.Range(0, 50).Select(Doc)];
        string folder = WritePart(docs, part => { part[StartOf(docs, 10) + 4] = 0x0C; return part; }, forge: true);

        var trusted = await ReadAsync(folder, trust: true);
        var checkedRun = await ReadAsync(folder, trust: false);

        Assert.Equal(49, trusted.Lines.Count);
        Assert.Equal(checkedRun.Lines, trusted.Lines);
        Assert.Equal(checkedRun.Rejects, trusted.Rejects);
        Assert.Contains("\t11\tinvalid-bson\t", Assert.Single(trusted.Rejects), StringComparison.Ordinal);
        Assert.Empty(trusted.Result.Counters.BadFiles);
        Assert.True(trusted.Result.Counters.IsBalanced);
    }

    [Fact]
    public async Task Trusted_ForgedManifestDamageInsideNestedDocument_RejectedNoFailure()
    {
        byte[][] docs = [.. Enumerable.Range(0, 50).Select(Doc)];
        string folder = WritePart(docs, DamageNested(docs, 20), forge: true);

        var trusted = await ReadAsync(folder, trust: true);

        Assert.Equal(49, trusted.Lines.Count);
        Assert.Contains("\t21\tinvalid-bson\t", Assert.Single(trusted.Rejects), StringComparison.Ordinal);
        Assert.True(trusted.Result.Counters.IsBalanced);
        Assert.Equal(1, trusted.Result.Counters.Rejected);

        // A count reads the BSON without converting it: the damaged value reads as absent, the run goes on.
        XAnalytics.Aggregates.CountResult table = await CountAsync(folder, true, "context.module.n");
        Assert.Equal(50, table.Rows!.Sum(r => r.Count));
        Assert.Equal(49, table.Rows!.Count(r => r.Values[0] is { Length: > 0 }));
    }

    [Fact]
    public async Task Trusted_ForgedManifestNestedLengthPastThePart_NoReadOutsideNoFailure()
    {
        byte[][] docs = [.. Enumerable.Range(0, 30).Select(Doc)];
        // The last document's context.module: a length prefix reaching far past the part's end; hashes forged to match.
        int last = docs.Length - 1;
        string folder = WritePart(docs, part =>
        {
            int module = IndexOf(part, StartOf(docs, last), "module\0"u8) + "module\0"u8.Length;
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(part.AsSpan(module), int.MaxValue - 8);
            return part;
        }, forge: true);

        var trusted = await ReadAsync(folder, trust: true);

        Assert.Equal(29, trusted.Lines.Count);
        Assert.Contains($"\t{docs.Length}\tinvalid-bson\t", Assert.Single(trusted.Rejects), StringComparison.Ordinal);
        Assert.Empty(trusted.Result.Counters.BadFiles);
        Assert.True(trusted.Result.Counters.IsBalanced);
        XAnalytics.Aggregates.CountResult table = await CountAsync(folder, true, "context.module.n");
        Assert.Equal(30, table.Rows!.Sum(r => r.Count));
        Assert.Equal(29, table.Rows!.Count(r => r.Values[0] is { Length: > 0 }));
    }

    [Fact]
    public async Task Trusted_TrustOff_ChunksNotTrusted()
    {
        byte[][] docs = [.. Enumerable.Range(0, 50).Select(Doc)];
        string folder = WritePart(docs, DamageNested(docs, 20), forge: true);

        Assert.Equal(50, await CountedAsync(folder, trust: true));
        Assert.Equal(49, await CountedAsync(folder, trust: false));
    }

    [Fact]
    public async Task Trusted_ManifestWithoutChunks_CheckedAsEver()
    {
        byte[][] docs = [.. Enumerable.Range(0, 50).Select(Doc)];
        // The part's own hash forged to match: without chunks it vouches for nothing before the part's end.
        string folder = WritePart(docs, DamageNested(docs, 20), forge: true, chunkDocuments: 0);

        var trusted = await ReadAsync(folder, trust: true);

        Assert.Equal(49, trusted.Lines.Count);
        Assert.Contains("\t21\tinvalid-bson\t", Assert.Single(trusted.Rejects), StringComparison.Ordinal);
        Assert.Empty(trusted.Result.Counters.BadFiles);
        Assert.Equal(49, await CountedAsync(folder, trust: true));
    }

    [Fact]
    public async Task Trusted_DocumentCrossingTheChunkEnd_ChunkChecked()
    {
        byte[][] docs = [.. Enumerable.Range(0, 60).Select(Doc)];
        // Chunk ends 3 bytes after a document's start: the hashes match these ranges (forged over damaged bytes),
        // the documents do not fit them. Document 11 lies wholly inside the first chunk, document 16 crosses its end.
        long[] chunks = [StartOf(docs, 15) + 3, StartOf(docs, 35) - StartOf(docs, 15), StartOf(docs, 60) - StartOf(docs, 35) - 3];
        string folder = WritePart(docs, DamageNested(docs, 10, 15), forge: true, chunkBytes: chunks);

        var trusted = await ReadAsync(folder, trust: true);
        var checkedRun = await ReadAsync(folder, trust: false);

        Assert.Equal(58, trusted.Lines.Count);
        Assert.Equal(checkedRun.Lines, trusted.Lines);
        Assert.Equal(checkedRun.Rejects, trusted.Rejects);
        Assert.Empty(trusted.Result.Counters.BadFiles);
        Assert.Equal(58, await CountedAsync(folder, trust: true));
    }

    [Fact]
    public async Task Trusted_ChunksAfterACrossingRealign_TrustedAgain()
    {
        byte[][] docs = [.. Enumerable.Range(0, 60).Select(Doc)];
        // The first chunk ends inside document 16, the second where document 31 starts: from there the chunks fit
        // again, and document 41 (damaged, hashes forged) is indexed on trust.
        long[] chunks = [StartOf(docs, 15) + 3, StartOf(docs, 30) - StartOf(docs, 15) - 3, StartOf(docs, 60) - StartOf(docs, 30)];
        string folder = WritePart(docs, DamageNested(docs, 40), forge: true, chunkBytes: chunks);

        Assert.Equal(60, await CountedAsync(folder, trust: true));
        Assert.Equal(59, await CountedAsync(folder, trust: false));
    }

    [Fact]
    public async Task Trusted_GzipPart_ChunksNotUsed()
    {
        byte[][] docs = [.. Enumerable.Range(0, 50).Select(Doc)];
        string folder = WritePart(docs, DamageNested(docs, 0), forge: true, gzip: true);

        Assert.Equal(49, await CountedAsync(folder, trust: true));
    }

    [Fact]
    public async Task Trusted_FolderWithoutManifest_CheckedAsEver()
    {
        byte[][] docs = [.. Enumerable.Range(0, 40).Select(Doc)];
        docs[5] = (byte[])docs[5].Clone();
        docs[5][4] = 0x0C;
        DirectoryInfo folder = _dir.CreateSubdirectory("plain");
        File.WriteAllBytes(Path.Combine(folder.FullName, "part-00000.bson"), [.. docs.SelectMany(d => d)]);

        var trusted = await ReadAsync(folder.FullName, trust: true);

        Assert.Equal(39, trusted.Lines.Count);
        Assert.Contains("\t6\tinvalid-bson\t", Assert.Single(trusted.Rejects), StringComparison.Ordinal);
        Assert.False(trusted.Result.IsClean);
        Assert.True(trusted.Result.Counters.IsBalanced);
    }
}
