using System.Globalization;
using System.Text;
using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Ordering;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Ordering;

/// <summary>The external sort: its order (learner, time as an instant, input order), its spills, its accounting.</summary>
public sealed class SortSinkTests
{
    [Fact]
    public async Task Sort_TimesCompareAsInstants_UnreadableTimesLast_NoLearnerFirst_TiesKeepInputOrder()
    {
        using var dir = new TempDir();
        string[] lines =
        [
            """{"username":"b","time":"2015-03-01T10:00:46.5Z","n":1}""",
            """{"username":"b","time":"not a time","n":2}""",
            """{"username":"b","time":"2015-03-01T10:00:46+00:00","n":3}""",
            """{"username":"a","time":"2015-03-01T10:00:00Z","n":4}""",
            """{"username":"b","time":"2015-03-01T09:00:00-02:00","n":5}""",
            """{"time":"2015-03-01T08:00:00Z","n":6}""",
            """{"username":"b","time":"2015-03-01T10:00:46","n":7}""",
            """{"username":"b","n":8}""",
            """{"username":null,"time":"2015-03-01T07:00:00Z","n":9}""",
        ];
        dir.WriteText("in/t.log", string.Join('\n', lines) + "\n");

        (RunResult result, List<JsonElement> sorted) = await SortAsync(dir, [dir.PathOf("in")], new SortOptions());

        // No learner first (by time), then a, then b: 46 and 46+00:00 are one instant (input order), 46.5, 11:00Z; the
        // unreadable and missing times last, in input order.
        Assert.Equal([9, 6, 4, 3, 7, 1, 5, 2, 8], sorted.Select(static e => e.GetProperty("n").GetInt32()));
        Assert.Equal(2, result.Counters.ForStage(SortSink.Name).Fact("no-learner"));
        Assert.Equal(2, result.Counters.ForStage(SortSink.Name).Fact("no-time"));
        Run.AssertBalanced(result.Counters);
    }

    [Fact]
    public async Task Sort_ByNumericUserIdThenTime_NumbersCompareAsNumbers()
    {
        using var dir = new TempDir();
        dir.WriteText("in/t.log", string.Join('\n',
            """{"context":{"user_id":10},"time":"2015-03-01T10:00:00Z","n":1}""",
            """{"context":{"user_id":9},"time":"2015-03-01T11:00:00Z","n":2}""",
            """{"context":{"user_id":-1},"time":"2015-03-01T12:00:00Z","n":3}""",
            """{"context":{"user_id":9},"time":"2015-03-01T09:00:00Z","n":4}""") + "\n");

        (_, List<JsonElement> sorted) = await SortAsync(
            dir, [dir.PathOf("in")], new SortOptions { By = [FieldPath.Parse("context.user_id"), FieldPath.Parse("time")] });

        Assert.Equal([3, 4, 2, 1], sorted.Select(static e => e.GetProperty("n").GetInt32()));
    }

    [Fact]
    public async Task Sort_GeneratedArchiveWithSpills_SameBytesOnOneAndFourThreads_AndTheOrderAnIndependentSortGives()
    {
        using var dir = new TempDir();
        await TestArchives.GenerateAsync(dir.PathOf("in"), events: 40_000, files: 3, courses: 2, learners: 300, days: 3);

        // 16 MiB of memory: run buffers of 8 MiB (the least), at most one per thread. This 37 MB archive is more than
        // four of them hold, so even 4 threads must spill, however the batches fall between them.
        var small = new SortOptions { MemoryBytes = 16L * 1024 * 1024, ScratchDirectory = dir.PathOf("scratch") };
        (RunResult one, List<JsonElement> sortedOne) = await SortAsync(dir, [dir.PathOf("in")], small, threads: 1, output: "out1");
        (RunResult four, List<JsonElement> sortedFour) = await SortAsync(dir, [dir.PathOf("in")], small, threads: 4, output: "out4");

        // Merging two runs at a time: the runs are merged into longer ones, pass after pass, down to two.
        (RunResult premerged, _) = await SortAsync(dir, [dir.PathOf("in")], small, threads: 4, output: "out4m", fanIn: 2);
        StageCounters premerge = premerged.Counters.ForStage(SortSink.Name);
        Assert.True(premerge.Fact("spilled-runs") > 2, $"{premerge.Fact("spilled-runs")} runs: the test needs more than two");
        Assert.True(premerge.Fact("premerge-passes") >= 1);
        Assert.True(premerge.Fact("premerged-runs") >= premerge.Fact("spilled-runs"));
        Assert.Equal(2, premerge.Fact("merged-runs"));
        Assert.Equal(0, one.Counters.ForStage(SortSink.Name).Fact("premerge-passes")); // 5 runs or so: within 16 MiB's fan-in
        Run.AssertBalanced(premerged.Counters);

        Assert.True(four.Counters.ForStage(SortSink.Name).Fact("spilled-runs") > 0, "the test must make the sort spill");
        string[] partsOne = Directory.GetFiles(dir.PathOf("out1"), "part-*");
        Assert.NotEmpty(partsOne);
        Assert.Equal(partsOne.Length, Directory.GetFiles(dir.PathOf("out4m"), "part-*").Length);
        foreach (string part in partsOne)
        {
            Assert.Equal(File.ReadAllBytes(part), File.ReadAllBytes(Path.Combine(dir.PathOf("out4"), Path.GetFileName(part))));
            Assert.Equal(File.ReadAllBytes(part), File.ReadAllBytes(Path.Combine(dir.PathOf("out4m"), Path.GetFileName(part))));
        }

        // Independently: every input event, ordered by (username bytes, instant, file, line) with LINQ.
        var expected = new List<(byte[] User, bool HasUser, long Ticks, int File, int Line, string Json)>();
        string[] files = [.. Directory.GetFiles(dir.PathOf("in"), "*.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
        for (int f = 0; f < files.Length; f++)
        {
            int line = 0;
            foreach (string text in ReadAllLines(files[f]))
            {
                line++;
                JsonElement e;
                try
                {
                    e = JsonDocument.Parse(text).RootElement;
                }
                catch (JsonException)
                {
                    continue; // rejected by the run
                }

                bool hasUser = e.TryGetProperty("username", out JsonElement u) && u.ValueKind == JsonValueKind.String;
                long ticks = e.TryGetProperty("time", out JsonElement t) && t.ValueKind == JsonValueKind.String
                    && DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset when)
                    ? when.UtcTicks : long.MaxValue;
                expected.Add((hasUser ? Encoding.UTF8.GetBytes(u.GetString()!) : [], hasUser, ticks, f, line, e.GetRawText()));
            }
        }

        string[] wanted = [.. expected
            .OrderBy(static x => x.HasUser)
            .ThenBy(static x => x.User, Comparer<byte[]>.Create(static (a, b) => a.AsSpan().SequenceCompareTo(b)))
            .ThenBy(static x => x.Ticks)
            .ThenBy(static x => x.File)
            .ThenBy(static x => x.Line)
            .Select(static x => x.Json)];
        Assert.Equal(wanted.Length, sortedOne.Count);
        Assert.Equal(wanted, sortedOne.Select(static e => e.GetRawText()));
        Run.AssertBalanced(one.Counters);
        Assert.Equal(one.Counters.Written, four.Counters.Written);
        Assert.Empty(Directory.GetDirectories(dir.PathOf("scratch"))); // spills removed
    }

    [Theory]
    [InlineData(512L << 20, 2, 341)]
    [InlineData(32L << 20, 2, 21)] // a bucket of shard --sorted with 16 buckets
    [InlineData(16L << 20, 64, 8)] // the least
    [InlineData(1L << 40, 1, 4096)] // the most
    public void FanIn_AQuarterOfTheMemoryOverTheThreads(long memory, int threads, int runs)
        => Assert.Equal(runs, SortSink.FanIn(memory, threads));

    [Fact]
    public async Task Sort_Cancelled_LeavesNoSpillsAndNoParts()
    {
        using var dir = new TempDir();
        await TestArchives.GenerateAsync(dir.PathOf("in"), events: 20_000, files: 3, courses: 2, learners: 300, days: 3);
        var options = new SortOptions { MemoryBytes = 16L * 1024 * 1024, ScratchDirectory = dir.PathOf("scratch") };
        using var cancel = new CancellationTokenSource();
        var parts = new JsonPartsSink(new PartsSinkOptions { OutputDirectory = dir.PathOf("out") });
        var sink = new SortSink(options, new CancellingSink(parts, cancel));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => EventPipeline.RunAsync(Run.Options([dir.PathOf("in")], threads: 2), [], sink, cancel.Token).WaitAsync(Run.Timeout));

        Assert.Empty(Directory.GetDirectories(dir.PathOf("scratch")));
        Assert.False(Directory.Exists(dir.PathOf("out")), "a cancelled run publishes no output folder");
        Assert.Empty(Directory.GetFileSystemEntries(dir.Root, ".out.staging-*")); // nor leaves its staging folder
    }

    [Theory]
    [InlineData(false)] // the spill file just created, not yet written
    [InlineData(true)] // the spill file written, not yet among the runs to merge
    public async Task Sort_CancelledBetweenCreatingASpillAndKeepingIt_NoFileLeftOpenOrBehind(bool written)
    {
        using var dir = new TempDir();
        await TestArchives.GenerateAsync(dir.PathOf("in"), events: 20_000, files: 3, courses: 2, learners: 300, days: 3);
        string scratch = dir.PathOf("scratch");
        var options = new SortOptions { MemoryBytes = 16L * 1024 * 1024, ScratchDirectory = scratch };
        using var cancel = new CancellationTokenSource();
        int spills = 0;
        void CancelAtTheFirst()
        {
            if (Interlocked.Increment(ref spills) == 1)
            {
                cancel.Cancel(); // the run's cancellation closes the scratch folder on this very thread, before it goes on
            }
        }

        var sink = new SortSink(options, new JsonPartsSink(new PartsSinkOptions { OutputDirectory = dir.PathOf("out") }))
        {
            AfterSpillCreated = written ? null : CancelAtTheFirst,
            AfterSpillWritten = written ? CancelAtTheFirst : null,
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => EventPipeline.RunAsync(Run.Options([dir.PathOf("in")], threads: 1), [], sink, cancel.Token).WaitAsync(Run.Timeout));

        Assert.True(spills >= 1, "the test must make the sort spill");
        Assert.Empty(OpenFilesUnder(scratch)); // the spill's handle is closed (its file unlinked, it would hold the disk)
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
        Assert.False(Directory.Exists(dir.PathOf("out")));

        // The output's staging folder is gone when the run returns (the sort's block ends once its output has).
        Assert.Empty(Directory.GetFileSystemEntries(dir.Root, ".out.staging-*"));
        GC.KeepAlive(sink); // what the sink still holds is not finalized before the check
    }

    /// <summary>
    /// A sort cancelled before its merge ends its output's block, and the run returns only once that block has ended
    /// (its cleanup, here slow, done): a parts sink's staging folder is gone when the caller goes on.
    /// </summary>
    [Fact]
    public async Task Sort_CancelledBeforeItsMerge_RunReturnsAfterTheOutputHasEnded()
    {
        using var dir = new TempDir();
        await TestArchives.GenerateAsync(dir.PathOf("in"), events: 20_000, files: 3, courses: 2, learners: 300, days: 3);
        using var cancel = new CancellationTokenSource();
        var output = new SlowToEndSink();
        var sink = new SortSink(new SortOptions { MemoryBytes = 16L * 1024 * 1024, ScratchDirectory = dir.PathOf("scratch") }, output)
        {
            AfterSpillCreated = cancel.Cancel,
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => EventPipeline.RunAsync(Run.Options([dir.PathOf("in")], threads: 1), [], sink, cancel.Token).WaitAsync(Run.Timeout));

        Assert.True(output.Ended, "the run returned before its output's block had ended");
    }

    /// <summary>An output whose block, once faulted, takes a while to end (as a sink deleting a large staging folder).</summary>
    private sealed class SlowToEndSink : IEventSink
    {
        private volatile bool _ended;

        public bool Ended => _ended;

        public bool RequiresInputOrder => true;

        public System.Threading.Tasks.Dataflow.ITargetBlock<EventBatch> CreateBlock(StageContext context)
        {
            var block = new System.Threading.Tasks.Dataflow.ActionBlock<EventBatch>(batch => batch.Dispose());
            Task ended = block.Completion.ContinueWith(
                async _ =>
                {
                    await Task.Delay(300);
                    _ended = true;
                },
                TaskScheduler.Default).Unwrap();
            return new XAnalytics.Pipeline.SinkTarget<EventBatch>(block, ended);
        }

        public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>This process's open file descriptors on files under <paramref name="folder"/> (Linux; none elsewhere).</summary>
    private static List<string> OpenFilesUnder(string folder)
    {
        var open = new List<string>();
        if (!Directory.Exists("/proc/self/fd"))
        {
            return open;
        }

        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    open.Add(target);
                }
            }
            catch (IOException)
            {
                // closed while listed
            }
        }

        return open;
    }

    private static async Task<(RunResult Result, List<JsonElement> Sorted)> SortAsync(
        TempDir dir, string[] inputs, SortOptions options, int threads = 2, string output = "out", int? fanIn = null)
    {
        var parts = new JsonPartsSink(new PartsSinkOptions { OutputDirectory = dir.PathOf(output), MaxEventsPerPart = 3000 });
        var sort = new SortSink(options, parts) { FanInForTests = fanIn };
        RunResult result = await EventPipeline.RunAsync(Run.Options(inputs, threads: threads), [], sort).WaitAsync(Run.Timeout);
        string[] files = [.. Directory.GetFiles(dir.PathOf(output), "part-*").Order(StringComparer.Ordinal)];
        var events = new List<JsonElement>();
        foreach (string file in files)
        {
            foreach (string line in ReadAllLines(file))
            {
                events.Add(JsonDocument.Parse(line).RootElement);
            }
        }

        return (result, events);
    }

    private static List<string> ReadAllLines(string file)
    {
        using Stream raw = File.OpenRead(file);
        using Stream text = file.EndsWith(".gz", StringComparison.Ordinal) ? new System.IO.Compression.GZipStream(raw, System.IO.Compression.CompressionMode.Decompress) : raw;
        using var reader = new StreamReader(text, Encoding.UTF8);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    /// <summary>An ordered sink that cancels the run when the sort's merge hands it its first batch.</summary>
    private sealed class CancellingSink(IEventSink inner, CancellationTokenSource cancel) : IEventSink
    {
        public bool RequiresInputOrder => true;

        public System.Threading.Tasks.Dataflow.ITargetBlock<EventBatch> CreateBlock(StageContext context)
        {
            System.Threading.Tasks.Dataflow.ITargetBlock<EventBatch> target = inner.CreateBlock(context);
            var first = new System.Threading.Tasks.Dataflow.ActionBlock<EventBatch>(async batch =>
            {
                await cancel.CancelAsync();
                await System.Threading.Tasks.Dataflow.DataflowBlock.SendAsync(target, batch);
            });
            // The sink's completion is the inner sink's too: a run must not end before the parts sink has discarded
            // its staging folder (with only the first block's, the test raced that discard under load).
            Task forwarded = first.Completion.ContinueWith(_ => target.Complete(), TaskScheduler.Default);
            return new XAnalytics.Pipeline.SinkTarget<EventBatch>(first, Task.WhenAll(first.Completion, forwarded.ContinueWith(_ => target.Completion, TaskScheduler.Default).Unwrap()));
        }

        public Task CompleteAsync(CancellationToken cancellationToken) => inner.CompleteAsync(cancellationToken);
    }
}
