using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks.Dataflow;
using MongoDB.Bson;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;

namespace XAnalytics.Tests.Sinks;

/// <summary>
/// What every parts sink must do, whatever it writes: input order across many files and threads, parts of at most
/// the bound, a manifest that matches the files, no temporary files left, and no part under a final name unless
/// the run succeeded. Each sink's test class derives from it and says how to make the sink and read a part back.
/// </summary>
public abstract class PartsSinkContract : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-parts-");

    public void Dispose()
    {
        _dir.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The part files' names end with this.</summary>
    protected abstract string Extension { get; }

    protected abstract IEventSink CreateSink(PartsSinkOptions options);

    /// <summary>The events of one part file, as JSON.</summary>
    protected abstract IReadOnlyList<JsonNode> ReadPart(string path);

    protected string Input => Path.Combine(_dir.FullName, "in");

    protected string Output => Path.Combine(_dir.FullName, "out");

    /// <summary>Writes <paramref name="files"/> gzip files of <paramref name="perFile"/> events each, numbered in input order.</summary>
    private void WriteInput(int files, int perFile)
    {
        int seq = 0;
        for (int f = 0; f < files; f++)
        {
            string path = Path.Combine(Input, $"d{f / 4}", $"tracking.log-{f:D3}.gz");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest);
            var text = new StringBuilder();
            for (int i = 0; i < perFile; i++, seq++)
            {
                text.Append("{\"seq\":").Append(seq).Append(",\"event_type\":\"e").Append(seq % 7).Append("\",\"pad\":\"").Append('x', seq % 50).Append("\"}\n");
            }

            gz.Write(Encoding.UTF8.GetBytes(text.ToString()));
        }
    }

    private PartsSinkOptions Options(int maxEvents) => new() { OutputDirectory = Output, MaxEventsPerPart = maxEvents };

    private PipelineOptions Pipeline => new()
    {
        Source = new FileSourceOptions { Inputs = [Input] },
        Threads = 4,
        Readers = 4,
        BatchEvents = 16,
        BatchBytes = 1024,
    };

    private static Task<RunResult> RunAsync(PipelineOptions options, IEventSink sink, IReadOnlyList<IEventStage>? stages = null, CancellationToken ct = default)
        => EventPipeline.RunAsync(options, stages ?? [], sink, ct).WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None);

    private string[] PartFiles() => [.. Directory.GetFiles(Output, "part-*").Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Run_ManyFilesAndThreads_KeepsInputOrder()
    {
        WriteInput(files: 13, perFile: 97);

        RunResult result = await RunAsync(Pipeline, CreateSink(Options(maxEvents: 50)));

        var seqs = new List<int>();
        foreach (string part in PartFiles())
        {
            foreach (JsonNode e in ReadPart(part))
            {
                seqs.Add(e["seq"]!.GetValue<int>());
            }
        }

        Assert.Equal(Enumerable.Range(0, 13 * 97), seqs);
        Assert.Equal(13 * 97, result.Counters.Written);
        Assert.True(result.Counters.IsBalanced);
    }

    [Fact]
    public async Task Run_MaxEventsPerPart_EveryPartFullButTheLast()
    {
        WriteInput(files: 3, perFile: 100);

        await RunAsync(Pipeline, CreateSink(Options(maxEvents: 33)));

        string[] parts = PartFiles();
        Assert.Equal(10, parts.Length); // 300 = 9 x 33 + 3
        for (int i = 0; i < parts.Length; i++)
        {
            Assert.Equal($"part-{i:D5}{Extension}", Path.GetFileName(parts[i]));
            Assert.Equal(i < 9 ? 33 : 3, ReadPart(parts[i]).Count);
        }
    }

    [Fact]
    public async Task Run_Completed_ManifestMatchesFilesAndNoTempFilesLeft()
    {
        WriteInput(files: 5, perFile: 61);

        RunResult result = await RunAsync(Pipeline, CreateSink(Options(maxEvents: 40)));

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Output, PartsManifest.FileName)));
        JsonElement root = manifest.RootElement;
        long events = 0;
        var listed = new List<string>();
        foreach (JsonElement part in root.GetProperty("parts").EnumerateArray())
        {
            string path = Path.Combine(Output, part.GetProperty("name").GetString()!);
            listed.Add(path);
            byte[] bytes = File.ReadAllBytes(path);
            Assert.Equal(bytes.Length, part.GetProperty("bytes").GetInt64());
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), part.GetProperty("sha256").GetString());
            Assert.Equal(ReadPart(path).Count, part.GetProperty("events").GetInt64());
            events += part.GetProperty("events").GetInt64();
        }

        Assert.Equal(PartFiles(), listed);
        Assert.Equal(5 * 61, events);
        Assert.Equal(events, root.GetProperty("totals").GetProperty("events").GetInt64());
        Assert.Equal(result.Counters.Written, root.GetProperty("run").GetProperty("written").GetInt64());
        Assert.Equal(result.Counters.LinesRead, root.GetProperty("run").GetProperty("linesRead").GetInt64());
        Assert.Empty(Directory.GetFiles(Output, ".*"));
        Assert.Equal(listed.Count + 1, Directory.GetFiles(Output).Length);
    }

    [Fact]
    public async Task Run_Cancelled_NoPartUnderFinalNameAndNoTempFiles()
    {
        WriteInput(files: 8, perFile: 200);
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => RunAsync(Pipeline, CreateSink(Options(maxEvents: 20)), [new AfterBatches(5, () => cts.Cancel())], cts.Token));

        AssertNothingPublishedOrStaged();
    }

    [Fact]
    public async Task Run_StageFaults_NoPartUnderFinalNameAndNoTempFiles()
    {
        WriteInput(files: 8, perFile: 200);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(
            () => RunAsync(Pipeline, CreateSink(Options(maxEvents: 20)), [new AfterBatches(5, () => throw new InvalidOperationException("boom"))]));

        Assert.Equal("boom", e.Message);
        AssertNothingPublishedOrStaged();
    }

    [Fact]
    public async Task Run_FolderAlreadyHoldsParts_RefusedUnlessOverwrite()
    {
        WriteInput(files: 2, perFile: 30);
        await RunAsync(Pipeline, CreateSink(Options(maxEvents: 10)));
        Assert.Equal(6, PartFiles().Length);

        await Assert.ThrowsAsync<IOException>(() => RunAsync(Pipeline, CreateSink(Options(maxEvents: 10))));
        await RunAsync(Pipeline, CreateSink(Options(maxEvents: 25) with { Overwrite = true }));

        Assert.Equal(3, PartFiles().Length); // the old parts beyond the new ones are gone
        Assert.Equal(60, PartFiles().Sum(p => ReadPart(p).Count));
    }

    [Fact]
    public async Task Run_Overwrite_ReplacesTheWholeFolderInOneSwap()
    {
        // Published by one rename: the old folder (and anything a killed old-style run left in it) goes as a whole,
        // and no staging folder stays beside it.
        WriteInput(files: 2, perFile: 30);
        await RunAsync(Pipeline, CreateSink(Options(maxEvents: 10)));
        File.WriteAllText(Path.Combine(Output, ".part-00009.json.gz.tmp"), "x");

        await RunAsync(Pipeline, CreateSink(Options(maxEvents: 25) with { Overwrite = true }));

        Assert.Equal(3, PartFiles().Length);
        Assert.Equal(4, Directory.GetFileSystemEntries(Output).Length);
        Assert.Equal([Input, Output], Directory.GetFileSystemEntries(_dir.FullName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_OverwriteFolderHoldingOtherFiles_Refused()
    {
        WriteInput(files: 1, perFile: 5);
        Directory.CreateDirectory(Output);
        File.WriteAllText(Path.Combine(Output, "notes.txt"), "mine");

        var e = await Assert.ThrowsAsync<IOException>(() => RunAsync(Pipeline, CreateSink(Options(maxEvents: 10) with { Overwrite = true })));

        Assert.Contains("notes.txt", e.Message, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(Output, "notes.txt")));
    }

    [Fact]
    public async Task Run_StagingFolderOfAKilledRun_SweptLiveOnesKept()
    {
        // A killed run leaves its hidden staging folder beside OUT, named with host and PID. The next run into the
        // same parent deletes those of processes that no longer run, and leaves a live run's and anything else alone.
        WriteInput(files: 1, perFile: 5);
        string host = Environment.MachineName.Replace('-', '_');
        int dead = DeadPid();
        using var live = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            string[] stale = [$".out.staging-{host}-{dead}", $".other.staging-{host}-{dead}"];
            string[] kept = [$".out.staging-{host}-{live.Id}", $".out.staging-elsewhere-{dead}", ".notes"];
            foreach (string name in stale.Concat(kept))
            {
                Directory.CreateDirectory(Path.Combine(_dir.FullName, name));
                File.WriteAllText(Path.Combine(_dir.FullName, name, "part-00000.json.gz"), "x");
            }

            await RunAsync(Pipeline, CreateSink(Options(maxEvents: 10)));

            Assert.All(stale, name => Assert.False(Directory.Exists(Path.Combine(_dir.FullName, name)), name));
            Assert.All(kept, name => Assert.True(Directory.Exists(Path.Combine(_dir.FullName, name)), name));
            Assert.Single(PartFiles());
        }
        finally
        {
            live.Kill();
        }
    }

    /// <summary>No output folder (it did not exist before) and no staging folder beside it.</summary>
    private void AssertNothingPublishedOrStaged()
    {
        Assert.False(Directory.Exists(Output));
        Assert.Equal([Input], Directory.GetFileSystemEntries(_dir.FullName));
    }

    private static int DeadPid()
    {
        for (int pid = 4_000_000; ; pid--)
        {
            try
            {
                using var p = System.Diagnostics.Process.GetProcessById(pid);
            }
            catch (ArgumentException)
            {
                return pid;
            }
        }
    }

    [Fact]
    public async Task Run_NoEvents_ManifestWithNoParts()
    {
        Directory.CreateDirectory(Input);
        File.WriteAllText(Path.Combine(Input, "empty.log"), "\n");

        await RunAsync(Pipeline, CreateSink(Options(maxEvents: 10)));

        Assert.Empty(PartFiles());
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Output, PartsManifest.FileName)));
        Assert.Equal(0, manifest.RootElement.GetProperty("parts").GetArrayLength());
    }

    /// <summary>A stage that passes batches on and runs an action (cancel, throw) at its n-th batch.</summary>
    private sealed class AfterBatches(int n, Action action) : IEventStage
    {
        private int _seen;

        public string Name => "after-batches";

        public IPropagatorBlock<EventBatch, EventBatch> CreateBlock(StageContext context) => new TransformBlock<EventBatch, EventBatch>(
            batch =>
            {
                if (Interlocked.Increment(ref _seen) == n)
                {
                    action();
                }

                return batch;
            },
            context.ParallelBlockOptions());
    }
}

public sealed class JsonPartsSinkTests : PartsSinkContract
{
    protected override string Extension => ".json.gz";

    protected override IEventSink CreateSink(PartsSinkOptions options) => new JsonPartsSink(options);

    protected override IReadOnlyList<JsonNode> ReadPart(string path) => PartReader.ReadJsonLines(path, gzip: true);
}

public sealed class PlainJsonPartsSinkTests : PartsSinkContract
{
    protected override string Extension => ".json";

    protected override IEventSink CreateSink(PartsSinkOptions options) => new JsonPartsSink(options with { Gzip = false });

    protected override IReadOnlyList<JsonNode> ReadPart(string path) => PartReader.ReadJsonLines(path, gzip: false);
}

public sealed class BsonPartsSinkTests : PartsSinkContract
{
    protected override string Extension => ".bson";

    protected override IEventSink CreateSink(PartsSinkOptions options) => new BsonPartsSink(options);

    protected override IReadOnlyList<JsonNode> ReadPart(string path) => PartReader.ReadBson(path, gzip: false);
}

public sealed class GzipBsonPartsSinkTests : PartsSinkContract
{
    protected override string Extension => ".bson.gz";

    protected override IEventSink CreateSink(PartsSinkOptions options) => new BsonPartsSink(options with { Gzip = true });

    protected override IReadOnlyList<JsonNode> ReadPart(string path) => PartReader.ReadBson(path, gzip: true);
}

/// <summary>Reads parts back with independent code: GZipStream, and MongoDB.Bson's own reader for BSON.</summary>
internal static class PartReader
{
    public static IReadOnlyList<JsonNode> ReadJsonLines(string path, bool gzip)
    {
        using Stream file = File.OpenRead(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var events = new List<JsonNode>();
        while (reader.ReadLine() is { } line)
        {
            events.Add(JsonNode.Parse(line)!);
        }

        return events;
    }

    public static IReadOnlyList<JsonNode> ReadBson(string path, bool gzip)
    {
        using Stream file = File.OpenRead(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        byte[] bytes = buffer.ToArray();
        var events = new List<JsonNode>();
        int at = 0;
        while (at < bytes.Length)
        {
            int length = BitConverter.ToInt32(bytes, at);
            var document = MongoDB.Bson.Serialization.BsonSerializer.Deserialize<BsonDocument>(bytes.AsSpan(at, length).ToArray());
            string json = document.ToJson(new MongoDB.Bson.IO.JsonWriterSettings { OutputMode = MongoDB.Bson.IO.JsonOutputMode.RelaxedExtendedJson });
            events.Add(JsonNode.Parse(json)!);
            at += length;
        }

        return events;
    }
}
