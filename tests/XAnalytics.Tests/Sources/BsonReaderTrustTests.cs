using System.Globalization;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MongoDB.Bson;
using XAnalytics.Pipeline;
using XAnalytics.Sources;

namespace XAnalytics.Tests.Sources;

/// <summary>
/// A manifest-listed BSON part held until its hash matched, then indexed on trust (<c>XANALYTICS_BSON_TRUST=1</c>):
/// the same events, rejects and bad files as the document-by-document check, and no failure of the run when a
/// manifest was forged to match damaged bytes.
/// </summary>
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

    /// <summary>Writes a parts folder of one part with its manifest (the hashes of <paramref name="hashed"/>, default the part's own bytes).</summary>
    private string WritePart(byte[][] documents, Func<byte[], byte[]>? damage = null, bool forge = false, bool gzip = false)
    {
        DirectoryInfo folder = _dir.CreateSubdirectory($"parts{Guid.NewGuid():N}");
        byte[] part = [.. documents.SelectMany(d => d)];
        byte[] written = Stored(damage?.Invoke((byte[])part.Clone()) ?? part, gzip);
        byte[] hashed = forge ? written : Stored(part, gzip);
        string name = gzip ? "part-00000.bson.gz" : "part-00000.bson";
        File.WriteAllBytes(Path.Combine(folder.FullName, name), written);
        var manifest = new JsonObject
        {
            ["format"] = "bson",
            ["parts"] = new JsonArray(new JsonObject
            {
                ["name"] = name,
                ["events"] = documents.Length,
                ["bytes"] = written.Length,
                ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(hashed)),
                ["xxh3"] = XxHash3.HashToUInt64(hashed).ToString("x16", CultureInfo.InvariantCulture),
            }),
        };
        File.WriteAllText(Path.Combine(folder.FullName, PartsManifest.FileName), manifest.ToJsonString());
        return folder.FullName;
    }

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

    private async Task<(RunResult Result, List<string> Lines, string[] Rejects)> ReadAsync(string path, bool trust, long maxHeld = BsonReader.MaxHeldBytes)
    {
        BsonReader.s_override.Value = (trust, maxHeld);
        try
        {
            string rejects = Path.Combine(_dir.FullName, $"rejects{Guid.NewGuid():N}.tsv");
            using var output = new MemoryStream();
            RunResult result = await EventPipeline.RunAsync(
                new PipelineOptions { Source = new() { Inputs = [path] }, RejectsPath = rejects, BatchEvents = 7, BatchBytes = 2048 },
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

    private static Task<XAnalytics.Aggregates.CountResult> CountAsync(string path, bool trust, params string[] by)
        => CountAsync(path, trust, BsonReader.MaxHeldBytes, by);

    private static async Task<XAnalytics.Aggregates.CountResult> CountAsync(string path, bool trust, long maxHeld, params string[] by)
    {
        BsonReader.s_override.Value = (trust, maxHeld);
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

    private static string Rows(XAnalytics.Aggregates.CountResult table)
        => string.Join("\n", table.Rows!.Select(r => string.Join("|", r.Values) + "=" + r.Count).Order(StringComparer.Ordinal));

    /// <summary>Where document <paramref name="index"/> (0-based) of <paramref name="documents"/> starts in the part.</summary>
    private static int StartOf(byte[][] documents, int index) => documents.Take(index).Sum(d => d.Length);

    private static int IndexOf(byte[] bytes, int from, ReadOnlySpan<byte> what) => from + bytes.AsSpan(from).IndexOf(what);

    [Fact]
    public async Task Trusted_VerifiedPart_SameEventsFieldsAndCountsAsChecked()
    {
        byte[][] docs = [.. Enumerable.Range(0, 500).Select(Doc)];
        string folder = WritePart(docs);

        var trusted = await ReadAsync(folder, trust: true);
        var checkedRun = await ReadAsync(folder, trust: false);

        Assert.Equal(500, trusted.Lines.Count);
        Assert.Equal(checkedRun.Lines, trusted.Lines);
        Assert.True(trusted.Result.IsClean);
        Assert.True(trusted.Result.Counters.IsBalanced);
        string[] by = ["event_type", "context.course_id", "context.module.n", "username"];
        Assert.Equal(Rows(await CountAsync(folder, false, by)), Rows(await CountAsync(folder, true, by)));
    }

    [Fact]
    public async Task Trusted_PartChangedButNotItsManifest_CheckedAsWithoutTheHold()
    {
        byte[][] docs = [.. Enumerable.Range(0, 300).Select(Doc)];
        int second = StartOf(docs, 200);
        string folder = WritePart(docs, part =>
        {
            // Documents 101 and 201 inside a nested document: the index on trust would let them by, so the hold
            // lasts to the part's end, where the hash does not match.
            part[IndexOf(part, StartOf(docs, 100), "n\0"u8) - 1] = 0x0C;
            part[IndexOf(part, second, "n\0"u8) - 1] = 0x0C;
            return part;
        });

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

        // A count reads the BSON without the parse block: document 101 is missing only if the reader checked it.
        Assert.Equal(298, (await CountAsync(folder, true, "event_type")).Rows!.Sum(r => r.Count));
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
        // Document 21's context.module.n: its type byte set to one with no JSON form. The top level still frames.
        string folder = WritePart(docs, part => { part[IndexOf(part, StartOf(docs, 20), "n\0"u8) - 1] = 0x0C; return part; }, forge: true);

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

    [Fact]
    public async Task Trusted_PartAboveTheBound_CheckedFromTheStart()
    {
        byte[][] docs = [.. Enumerable.Range(0, 200).Select(Doc)];
        // Forged, damaged inside a nested document: only the document-by-document check can see it, so a reject
        // proves the part above the bound was checked.
        string folder = WritePart(docs, part => { part[IndexOf(part, StartOf(docs, 150), "n\0"u8) - 1] = 0x0C; return part; }, forge: true);

        var trusted = await ReadAsync(folder, trust: true, maxHeld: 16 * 1024);

        Assert.Equal(199, trusted.Lines.Count);
        Assert.Contains("\t151\tinvalid-bson\t", Assert.Single(trusted.Rejects), StringComparison.Ordinal);
        Assert.Empty(trusted.Result.Counters.BadFiles);

        // A count reads the BSON without the parse block: the document is missing only if the reader checked it.
        Assert.Equal(199, (await CountAsync(folder, true, 16 * 1024, "event_type")).Rows!.Sum(r => r.Count));
        Assert.Equal(200, (await CountAsync(folder, true, "event_type")).Rows!.Sum(r => r.Count));
    }

    [Fact]
    public async Task Trusted_HoldBoundPassedMidPart_HeldDocumentsCheckedAndTheRestToo()
    {
        byte[][] docs = [.. Enumerable.Range(0, 200).Select(Doc)];
        string folder = WritePart(docs, part => { part[IndexOf(part, StartOf(docs, 10), "n\0"u8) - 1] = 0x0C; return part; }, forge: true, gzip: true);
        long size = docs.Sum(d => (long)d.Length);
        Assert.True(new DirectoryInfo(folder).GetFiles("part-*")[0].Length < size / 2);

        // The part is under the bound as a file (gzip), but the documents held pass it half-way: from there on, and the
        // held ones with them, checked one by one (so the count, which reads the BSON, misses the damaged one).
        var trusted = await ReadAsync(folder, trust: true, maxHeld: size / 2);

        Assert.Equal(199, trusted.Lines.Count);
        Assert.Contains("\t11\tinvalid-bson\t", Assert.Single(trusted.Rejects), StringComparison.Ordinal);
        Assert.Equal(199, (await CountAsync(folder, true, size / 2, "event_type")).Rows!.Sum(r => r.Count));
    }
}
