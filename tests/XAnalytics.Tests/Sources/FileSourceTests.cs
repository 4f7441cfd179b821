using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Sources;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Sources;

/// <summary>Which files a run reads, and in which order: sorted, deterministic, checked before reading.</summary>
public sealed class FileSourceTests
{
    [Fact]
    public void Plan_DirectoryTree_FilesInOrdinalOrderWithDirectoriesInPlace()
    {
        using var dir = new TempDir();
        foreach (string name in new[] { "b.log", "a.log", "B.log", "sub/z.log", "sub/a.log.gz", "a0/x.log", "c.log.gz", "sub/deeper/m.log" })
        {
            dir.WriteText(name, "{}\n");
        }

        FileSource plan = FileSource.Plan(new FileSourceOptions { Inputs = [dir.Root] });

        Assert.Equal(
            ["B.log", "a.log", "a0/x.log", "b.log", "c.log.gz", "sub/a.log.gz", "sub/deeper/m.log", "sub/z.log"],
            plan.Files.Select(f => Path.GetRelativePath(dir.Root, f.Path).Replace('\\', '/')));
        Assert.Equal(Enumerable.Range(0, 8), plan.Files.Select(f => f.Index));
        Assert.Equal([SourceFormat.GzipJsonLines, SourceFormat.GzipJsonLines], plan.Files.Where(f => f.Path.EndsWith(".gz", StringComparison.Ordinal)).Select(f => f.Format));
        Assert.Equal(8 * 3, plan.TotalBytes);
    }

    [Fact]
    public void Plan_SameTreeTwice_SameOrder()
    {
        using var dir = new TempDir();
        var random = new Random(1);
        for (int i = 0; i < 50; i++)
        {
            dir.WriteText($"d{random.Next(5)}/f{random.Next(1000):D4}.log", "{}\n");
        }

        var options = new FileSourceOptions { Inputs = [dir.Root] };
        Assert.Equal(FileSource.Plan(options).Files.Select(f => f.Path), FileSource.Plan(options).Files.Select(f => f.Path));
    }

    [Fact]
    public void Plan_InputsInGivenOrder_EachExpandedInPlace()
    {
        using var dir = new TempDir();
        string z = dir.WriteText("z.log", "{}\n");
        dir.WriteText("d/b.log", "{}\n");
        dir.WriteText("d/a.log", "{}\n");

        FileSource plan = FileSource.Plan(new FileSourceOptions { Inputs = [z, dir.PathOf("d")] });

        Assert.Equal([z, dir.PathOf("d/a.log"), dir.PathOf("d/b.log")], plan.Files.Select(f => f.Path));
    }

    [Fact]
    public void Plan_HiddenFilesAndDirectories_Skipped()
    {
        using var dir = new TempDir();
        dir.WriteText("a.log", "{}\n");
        dir.WriteText(".a.log.swp", "{}\n");
        dir.WriteText(".partial/b.log", "{}\n");
        dir.WriteText("sub/.c.log", "{}\n");
        dir.WriteText("sub/c.log", "{}\n");

        FileSource plan = FileSource.Plan(new FileSourceOptions { Inputs = [dir.Root] });

        Assert.Equal([dir.PathOf("a.log"), dir.PathOf("sub/c.log")], plan.Files.Select(f => f.Path));
        Assert.Equal(3, plan.SkippedFiles);
    }

    [Fact]
    public void Plan_HiddenFileNamedExplicitly_Read()
    {
        using var dir = new TempDir();
        string hidden = dir.WriteText(".hidden.log", "{}\n");

        FileSource plan = FileSource.Plan(new FileSourceOptions { Inputs = [hidden] });

        Assert.Equal([hidden], plan.Files.Select(f => f.Path));
    }

    [Fact]
    public void Plan_SkipHiddenFalse_HiddenFilesIncluded()
    {
        using var dir = new TempDir();
        dir.WriteText("a.log", "{}\n");
        dir.WriteText(".b.log", "{}\n");

        FileSource plan = FileSource.Plan(new FileSourceOptions { Inputs = [dir.Root], SkipHidden = false });

        Assert.Equal([dir.PathOf(".b.log"), dir.PathOf("a.log")], plan.Files.Select(f => f.Path));
    }

    [Fact]
    public void Plan_OnlyGzip_OtherFilesSkippedAndCounted()
    {
        using var dir = new TempDir();
        dir.WriteGzip("a.log.gz", "{}\n");
        dir.WriteText("b.log", "{}\n");
        dir.WriteGzip("c.GZ", "{}\n");
        dir.WriteText("d.json", "{}\n");

        FileSource plan = FileSource.Plan(new FileSourceOptions { Inputs = [dir.Root], OnlyGzip = true });

        Assert.Equal([dir.PathOf("a.log.gz"), dir.PathOf("c.GZ")], plan.Files.Select(f => f.Path));
        Assert.Equal(2, plan.SkippedFiles);
    }

    [Fact]
    public async Task Run_OnlyGzip_ReadsOnlyGzipFiles()
    {
        using var dir = new TempDir();
        dir.WriteGzip("a.log.gz", "{\"event_type\":\"gz\"}\n");
        dir.WriteText("b.log", "{\"event_type\":\"plain\"}\n");
        var options = Run.Options([dir.Root]) with { Source = new FileSourceOptions { Inputs = [dir.Root], OnlyGzip = true } };

        (RunResult result, CountResult counts) = await Run.CountAsync(options);

        Assert.Equal(1, result.Counters.Files);
        Assert.Equal("gz", Assert.Single(counts.Rows!).Values[0]);
    }

    [Fact]
    public void Plan_MissingInput_ThrowsFileNotFoundNamingIt()
    {
        using var dir = new TempDir();
        string good = dir.WriteText("a.log", "{}\n");
        string missing = dir.PathOf("no-such-dir/tracking.log");

        FileNotFoundException e = Assert.Throws<FileNotFoundException>(
            () => FileSource.Plan(new FileSourceOptions { Inputs = [good, missing] }));

        Assert.Equal(missing, e.FileName);
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingInput_ThrowsBeforeAnyReading()
    {
        using var dir = new TempDir();
        string good = dir.WriteText("a.log", "{\"event_type\":\"a\"}\n");
        string missing = dir.PathOf("missing.log.gz");
        var sink = new RecordingSink(requiresInputOrder: false);

        // Start fails synchronously: no run exists, nothing was read, no rejects file was made.
        FileNotFoundException e = Assert.Throws<FileNotFoundException>(
            () => EventPipeline.Start(Run.Options([good, missing], dir.PathOf("rejects.tsv")), [], sink));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<FileNotFoundException>(
            () => EventPipeline.RunAsync(Run.Options([missing, good], dir.PathOf("rejects.tsv")), [], sink));
        Assert.Empty(sink.Seen);
        Assert.Equal(["a.log"], dir.ListFiles());
    }

    [Fact]
    public async Task Only_KeepsTheNamedFilesWithTheirIndices_AndARunOverItDoesNotListAgain()
    {
        using var dir = new TempDir();
        dir.WriteText("a.log", "{\"event_type\":\"a\"}\n");
        dir.WriteText("b.log", "{\"event_type\":\"b\"}\n");
        dir.WriteText("c.log", "{\"event_type\":\"c\"}\n");
        PipelineOptions options = Run.Options([dir.Root], dir.PathOf(".rejects.tsv"));
        FileSource listing = FileSource.Plan(options.Source);

        FileSource only = listing.Only(new HashSet<string>([dir.PathOf("c.log"), dir.PathOf("a.log")], StringComparer.Ordinal));

        Assert.Equal([(dir.PathOf("a.log"), 0), (dir.PathOf("c.log"), 2)], only.Files.Select(static f => (f.Path, f.Index)));
        Assert.Equal(listing.SkippedFiles, only.SkippedFiles);

        // A file that arrives after the listing is not read, and the run lists nothing: the listing given is the run's.
        dir.WriteText("aa.log", "{\"event_type\":\"late\"}\n");
        int listings = 0;
        void Count(FileSourceOptions o)
        {
            if (o.Inputs.Contains(dir.Root))
            {
                Interlocked.Increment(ref listings);
            }
        }

        var sink = new RecordingSink(requiresInputOrder: true);
        FileSource.Listing += Count;
        try
        {
            RunResult result = await EventPipeline.StartListed(options, only, [], sink).Completion.WaitAsync(Run.Timeout);
            Assert.Equal(2, result.Counters.Files);
        }
        finally
        {
            FileSource.Listing -= Count;
        }

        Assert.Equal(0, listings);
        Assert.Equal([(0, "{\"event_type\":\"a\"}"), (2, "{\"event_type\":\"c\"}")], sink.Seen.Select(static e => (e.FileIndex, e.Text)));
    }

    [Fact]
    public void Plan_NoInputs_ThrowsArgumentException()
        => Assert.Throws<ArgumentException>(() => FileSource.Plan(new FileSourceOptions()));
}
