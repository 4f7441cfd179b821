using System.Text.RegularExpressions;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Sources;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Sources;

/// <summary>
/// A parts folder read from an object store (<see cref="IInputStore"/>) is held to its <c>manifest.json</c> as the same
/// folder on disk is: parts present with their sizes before reading, each part's hash checked as it is read, and a
/// part whose bytes changed reported the same way.
/// </summary>
public sealed partial class StoredManifestTests
{
    private const string Prefix = "mem://bucket/exports/parts";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Run_StoredPartChangedSameSize_BadFileAsForTheSameFolderOnDisk(bool xxh3)
    {
        using var dir = new TempDir();
        string parts = await WritePartsAsync(dir, xxh3);
        string part = Path.Combine(parts, "part-00001.json");
        File.WriteAllText(part, File.ReadAllText(part).Replace("pause_video", "pause_vidoe", StringComparison.Ordinal));
        var store = new MemoryStore(parts, Prefix);

        (RunResult local, _) = await Run.RecordAsync(Run.Options([parts]));
        (RunResult stored, IReadOnlyList<SeenEvent> seen) = await Run.RecordAsync(Options(store, Prefix));

        BadFile localBad = Assert.Single(local.Counters.BadFiles);
        BadFile storedBad = Assert.Single(stored.Counters.BadFiles);
        Assert.Equal(Prefix + "/part-00001.json", storedBad.File.Path);
        Assert.Equal(Path.GetFileName(localBad.File.Path), Path.GetFileName(storedBad.File.Path));
        Assert.Equal(localBad.Reason, storedBad.Reason);
        Assert.Contains(xxh3 ? "its XXH3 does not match manifest.json's for part-00001.json" : "its SHA-256 does not match manifest.json's for part-00001.json", storedBad.Reason, StringComparison.Ordinal);
        Assert.Equal(localBad.LinesBeforeFault, storedBad.LinesBeforeFault);
        Assert.Equal((local.Counters.Files, local.Counters.LinesRead, local.Counters.Written, local.Counters.Rejected), (stored.Counters.Files, stored.Counters.LinesRead, stored.Counters.Written, stored.Counters.Rejected));
        Assert.Equal(3, seen.Count); // the changed part's line was read before its end told it apart
    }

    [Fact]
    public async Task Run_StoredPartsIntact_CleanAndManifestNotRead()
    {
        using var dir = new TempDir();
        string parts = await WritePartsAsync(dir, xxh3: true);
        var store = new MemoryStore(parts, Prefix);

        (RunResult stored, IReadOnlyList<SeenEvent> seen) = await Run.RecordAsync(Options(store, Prefix));

        Assert.Empty(stored.Counters.BadFiles);
        Assert.Equal(3, stored.Counters.Files);
        Assert.Equal(["play_video", "pause_video", "seq_next"], seen.Select(static e => EventType().Match(e.Text).Groups[1].Value));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("extra")]
    [InlineData("size")]
    public async Task Plan_StoredPartsFolderNotAsItsManifestSays_SameErrorAsOnDisk(string change)
    {
        using var dir = new TempDir();
        string parts = await WritePartsAsync(dir, xxh3: true);
        string part = Path.Combine(parts, "part-00001.json");
        switch (change)
        {
            case "missing":
                File.Delete(part);
                break;
            case "extra":
                File.Copy(part, Path.Combine(parts, "part-00007.json"));
                break;
            default:
                File.AppendAllText(part, "{\"event_type\":\"added\"}\n");
                break;
        }

        var store = new MemoryStore(parts, Prefix);

        FormatException local = Assert.Throws<FormatException>(() => FileSource.Plan(new FileSourceOptions { Inputs = [parts] }));
        FormatException stored = Assert.Throws<FormatException>(() => FileSource.Plan(new FileSourceOptions { Inputs = [Prefix], Stores = [store] }));

        Assert.Equal(local.Message.Replace(parts, Prefix, StringComparison.Ordinal), stored.Message);
        Assert.Equal(0, store.Opened); // nothing was read but the manifest
    }

    [Fact]
    public void Plan_StoredFolderWithoutManifest_PartsReadUnchecked()
    {
        var store = new MemoryStore();
        store.Put("mem://bucket/logs/part-00000.json", "{\"event_type\":\"a\"}\n"u8.ToArray());

        FileSource plan = FileSource.Plan(new FileSourceOptions { Inputs = ["mem://bucket/logs"], Stores = [store] });

        Assert.Null(Assert.Single(plan.Files).ManifestHash);
    }

    [Fact]
    public void Plan_StoredManifestNamedAsTheInput_OneObjectNoFolderCheck()
    {
        var store = new MemoryStore();
        store.Put("mem://bucket/parts/manifest.json", "{\"parts\":[{\"name\":\"part-00000.json\",\"bytes\":1,\"sha256\":\"00\"}]}"u8.ToArray());

        // As a manifest.json file named on the command line: not held to parts that are not there.
        FileSource plan = FileSource.Plan(new FileSourceOptions { Inputs = ["mem://bucket/parts/manifest.json"], Stores = [store] });

        Assert.Empty(plan.Files); // skipped as a manifest, as before
        Assert.Equal(1, plan.SkippedFiles);
    }

    [Fact]
    public void Plan_StoredManifestUnderAHiddenName_NotRead()
    {
        var store = new MemoryStore();
        store.Put("mem://bucket/logs/a.log", "{\"event_type\":\"a\"}\n"u8.ToArray());
        store.Put("mem://bucket/logs/.old/manifest.json", "not a manifest"u8.ToArray());

        FileSource plan = FileSource.Plan(new FileSourceOptions { Inputs = ["mem://bucket/logs"], Stores = [store] });

        Assert.Equal(["mem://bucket/logs/a.log"], plan.Files.Select(static f => f.Path));
    }

    private static PipelineOptions Options(IInputStore store, string input)
    {
        PipelineOptions options = Run.Options([input]);
        return options with { Source = options.Source with { Stores = [store] } };
    }

    /// <summary>Three plain JSON-lines parts of one event each and their manifest (with or without XXH3); returns the folder.</summary>
    private static async Task<string> WritePartsAsync(TempDir dir, bool xxh3)
    {
        dir.WriteText("in/a.log", """
            {"username":"learner_one","event_type":"play_video","time":"2015-03-01T10:00:00+00:00"}
            {"username":"learner_two","event_type":"pause_video","time":"2015-03-01T10:01:00+00:00"}
            {"username":"learner_one","event_type":"seq_next","time":"2015-03-01T10:02:00+00:00"}

            """);
        string parts = dir.PathOf("parts");
        RunResult written = await EventPipeline.RunAsync(
            Run.Options([dir.PathOf("in")]), [], new JsonPartsSink(new PartsSinkOptions { OutputDirectory = parts, MaxEventsPerPart = 1, Gzip = false }))
            .WaitAsync(Run.Timeout);
        Assert.Equal(3, written.Counters.Written);
        string manifest = Path.Combine(parts, PartsManifest.FileName);
        Assert.Contains("\"xxh3\"", File.ReadAllText(manifest), StringComparison.Ordinal);
        if (!xxh3)
        {
            // A manifest written before XXH3 was recorded: its parts are held to their SHA-256.
            File.WriteAllText(manifest, Xxh3Property().Replace(File.ReadAllText(manifest), string.Empty));
        }

        Assert.Equal(3, Directory.GetFiles(parts, "part-*").Length);
        return parts;
    }

    [GeneratedRegex(",\\s*\"xxh3\": \"[0-9a-f]+\"")]
    private static partial Regex Xxh3Property();

    [GeneratedRegex("\"event_type\":\"([^\"]*)\"")]
    private static partial Regex EventType();

    /// <summary>An object store in memory (<c>mem://</c>), listed and opened as the S3 store is.</summary>
    private sealed class MemoryStore : IInputStore
    {
        private readonly SortedDictionary<string, byte[]> _objects = new(StringComparer.Ordinal);

        public MemoryStore()
        {
        }

        /// <summary>The files of <paramref name="folder"/> as objects under <paramref name="prefix"/>.</summary>
        public MemoryStore(string folder, string prefix)
        {
            foreach (string file in Directory.GetFiles(folder))
            {
                Put(prefix + "/" + Path.GetFileName(file), File.ReadAllBytes(file));
            }
        }

        private int _opened;

        /// <summary>Objects opened for reading, the manifests aside.</summary>
        public int Opened => Volatile.Read(ref _opened);

        public void Put(string path, byte[] bytes) => _objects[path] = bytes;

        public bool Reads(string input) => input.StartsWith("mem://", StringComparison.Ordinal);

        public IReadOnlyList<StoredObject> List(string input, CancellationToken cancellationToken)
        {
            var listed = new List<StoredObject>();
            foreach ((string path, byte[] bytes) in _objects)
            {
                if (path == input || path.StartsWith(input.TrimEnd('/') + "/", StringComparison.Ordinal))
                {
                    listed.Add(new StoredObject(path, bytes.Length));
                }
            }

            return listed.Count > 0 ? listed : throw new FileNotFoundException($"Input not found: {input}", input);
        }

        public Stream Open(StoredObject storedObject)
        {
            if (!storedObject.Path.EndsWith("/" + PartsManifest.FileName, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _opened);
            }

            return new MemoryStream(_objects[storedObject.Path], writable: false);
        }
    }
}
