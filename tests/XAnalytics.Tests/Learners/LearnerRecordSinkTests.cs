using System.Globalization;
using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Learners;
using XAnalytics.Ordering;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Learners;

/// <summary>
/// Record analyses: each learner's records handed over once, in (time, input order), whether the records stay in
/// memory, are spilled, or the input is already sorted; checked against an order worked out from the input's lines.
/// </summary>
public sealed class LearnerRecordSinkTests
{
    [Fact]
    public async Task Records_InMemorySpilledAndSortedInput_EachLearnerOnceInTimeThenInputOrder()
    {
        using var dir = new TempDir();
        (Dictionary<string, List<(long Ticks, long N)>> expected, long n) = await WriteInput(dir);
        var sort = new SortOptions { MemoryBytes = 16L << 20, ScratchDirectory = dir.PathOf("scratch") };
        // Held in memory; spilled; and with buckets too large to fold whole, split again (up to three times: the
        // 300-byte bound splits the records without a learner, ~670 of them, as far as it can, then folds them whole).
        foreach ((int threads, long? held, long? fold) in new (int, long?, long?)[] { (1, null, null), (4, null, null), (2, 64 * 1024, null), (2, 64 * 1024, 4 * 1024), (3, null, 300) })
        {
            var analysis = new Orders();
            var sink = new RecordShuffle<Projected, Orders.Partial>(new RecordPartials<Projected, Orders.Partial>(analysis), sort, held, fold);
            RunResult result = await EventPipeline.RunAsync(Run.Options([dir.PathOf("in")], threads: threads), [], sink).WaitAsync(Run.Timeout);
            Run.AssertBalanced(result.Counters);
            Assert.Equal(n, result.Counters.Written);
            AssertOrders(expected, analysis);
            Assert.Equal(expected[string.Empty].Count, result.Counters.ForStage(ShuffleSink.Name).Fact("no-learner"));
            if (held is not null)
            {
                Assert.True(result.Counters.ForStage(ShuffleSink.Name).Fact("spilled-bytes") > 0, "the small memory spilled nothing");
            }

            long resplit = result.Counters.ForStage(ShuffleSink.Name).Fact("resplit-bytes");
            if (fold is null)
            {
                Assert.Equal(0, resplit);
            }
            else
            {
                // Every record is in a bucket above the bound, so each is written again at least once.
                Assert.True(resplit >= n * 16, $"the small fold bound split {resplit:N0} bytes");

                // Learners still over the bound after the splits are sorted on disk and handed over in pieces.
                Assert.True(result.Counters.ForStage(ShuffleSink.Name).Fact("streamed-records") > 0, "no learner was folded from disk");
            }

            Assert.Empty(Directory.Exists(dir.PathOf("scratch")) ? Directory.GetFileSystemEntries(dir.PathOf("scratch")) : []);
        }

        await EventPipeline.RunAsync(Run.Options([dir.PathOf("in")]), [], new SortSink(sort, new JsonPartsSink(new PartsSinkOptions { OutputDirectory = dir.PathOf("sorted") })))
            .WaitAsync(Run.Timeout);
        var fromSorted = new Orders();
        RunResult sorted = await EventPipeline.RunAsync(Run.Options([dir.PathOf("sorted")], threads: 4), [], new LearnerRecordSink<Projected, Orders.Partial>(fromSorted, sort, inputIsSorted: true))
            .WaitAsync(Run.Timeout);
        Run.AssertBalanced(sorted.Counters);
        AssertOrders(expected, fromSorted);
    }

    [Fact]
    public async Task Fold_BlocksReadAndBuffersOutgrown_CollectedOnceTheyAddUp()
    {
        using var dir = new TempDir();
        (Dictionary<string, List<(long Ticks, long N)>> expected, long n) = await WriteInput(dir);
        var sort = new SortOptions { MemoryBytes = 16L << 20, ScratchDirectory = dir.PathOf("scratch") };

        // Every block is held (8 MiB of room), so each bucket's blocks are let go of as the fold reads them: with 16 KiB
        // between two collections the fold collects, with a bound it never reaches it does not. Same orders either way.
        foreach ((long collectBytes, bool collects) in new (long, bool)[] { (16 * 1024, true), (long.MaxValue, false) })
        {
            var analysis = new Orders();
            var sink = new RecordShuffle<Projected, Orders.Partial>(new RecordPartials<Projected, Orders.Partial>(analysis), sort, collectBytes: collectBytes);
            RunResult result = await EventPipeline.RunAsync(Run.Options([dir.PathOf("in")], threads: 2), [], sink).WaitAsync(Run.Timeout);
            Run.AssertBalanced(result.Counters);
            Assert.Equal(n, result.Counters.Written);
            Assert.Equal(0, result.Counters.ForStage(ShuffleSink.Name).Fact("spilled-bytes"));
            AssertOrders(expected, analysis);
            if (collects)
            {
                // Each bucket holds a block of 32 KiB or more (a quarter of the memory over 2 threads and 64 buckets).
                Assert.True(sink.Collections >= 10, $"{sink.Collections} collections");
            }
            else
            {
                Assert.Equal(0, sink.Collections);
            }
        }
    }

    [Fact]
    public async Task FoldOnDisk_CancelledWhileItReadsALearnersRuns_StopsAsCancelled_LeavesNoScratch()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.PathOf("in"));

        // One learner of 30,000 events (about 1.4 MB as records): over a 1 MiB fold bound it is sorted on disk, in runs of
        // 512 KiB (several 64 KiB blocks each), so the merge is still reading its files when the analysis cancels.
        var lines = new List<string>();
        for (int i = 0; i < 30_000; i++)
        {
            lines.Add($"{{\"username\":\"bot\",\"n\":{i},\"time\":\"2016-05-01T00:00:{i % 60:D2}.{i % 1000:D3}+00:00\"}}");
        }

        await File.WriteAllLinesAsync(dir.PathOf("in/tracking.log"), lines);
        var sort = new SortOptions { MemoryBytes = 16L << 20, ScratchDirectory = dir.PathOf("scratch") };
        using var cancel = new CancellationTokenSource();
        var analysis = new Orders { OnContinue = cancel.Cancel };
        var sink = new RecordShuffle<Projected, Orders.Partial>(new RecordPartials<Projected, Orders.Partial>(analysis), sort, foldBytes: 1 << 20);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => EventPipeline.RunAsync(Run.Options([dir.PathOf("in")]), [], sink, cancel.Token).WaitAsync(Run.Timeout));
        Assert.True(analysis.Continued >= 1, "the analysis was never handed a piece");
        Assert.Empty(Directory.Exists(dir.PathOf("scratch")) ? Directory.GetFileSystemEntries(dir.PathOf("scratch")) : []);
    }

    /// <summary>
    /// Three files of 4,000 events over 300 learners (one in 20 with no username), with repeated and missing times;
    /// gives each learner's (time, event number) in the order the fold must hand them over, and the events written.
    /// </summary>
    private static async Task<(Dictionary<string, List<(long Ticks, long N)>> Expected, long Events)> WriteInput(TempDir dir)
    {
        Directory.CreateDirectory(dir.PathOf("in"));
        var random = new Random(11);
        var expected = new Dictionary<string, List<(long Ticks, long N)>>(StringComparer.Ordinal);
        long n = 0;
        for (int file = 0; file < 3; file++)
        {
            var lines = new List<string>();
            for (int i = 0; i < 4_000; i++)
            {
                string user = random.Next(20) == 0 ? string.Empty : $"learner-{random.Next(300):D3}";
                // File 0 repeats whole seconds, so a learner has events at the same time (kept in input order);
                // the other files write distinct fractions; one event in 50 has no time, one in 60 an unreadable one.
                DateTime time = new DateTime(2016, 5, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(file == 0 ? random.Next(600) : random.Next(86_400 * 3)).AddTicks(file * TimeSpan.TicksPerMillisecond);
                string timeField = i % 50 == 0 ? string.Empty : i % 60 == 0 ? ",\"time\":\"not a time\"" : $",\"time\":\"{time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture)}+00:00\"";
                string userField = user.Length == 0 && i % 2 == 0 ? string.Empty : $"\"username\":\"{user}\",";
                lines.Add($"{{{userField}\"n\":{n}{timeField}}}");
                long ticks = i % 50 == 0 || i % 60 == 0 ? long.MaxValue : time.Ticks;
                (expected.TryGetValue(user, out var list) ? list : expected[user] = []).Add((ticks, n));
                n++;
            }

            await File.WriteAllLinesAsync(dir.PathOf($"in/tracking-{file}.log"), lines);
        }

        foreach (List<(long Ticks, long N)> list in expected.Values)
        {
            list.Sort(); // by time, then n: input order, as the files are read in name order
        }

        return (expected, n);
    }

    private static void AssertOrders(Dictionary<string, List<(long Ticks, long N)>> expected, Orders analysis)
    {
        Assert.NotNull(analysis.Result);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), analysis.Result.Keys.Order(StringComparer.Ordinal));
        foreach ((string learner, List<(long Ticks, long N)> order) in expected)
        {
            // Over sorted input, the events without a username (missing, then empty) come as two runs in time order.
            Assert.Equal(order, learner.Length == 0 ? [.. analysis.Result[learner].Order()] : analysis.Result[learner]);
        }
    }

    /// <summary>The record: the event's time and its number in the input.</summary>
    private struct Projected
    {
        public long Ticks;
        public long N;
    }

    /// <summary>Each learner's records as handed over; a learner handed over twice fails.</summary>
    private sealed class Orders : ILearnerRecordStream<Projected, Orders.Partial>
    {
        private static readonly FieldPath s_n = FieldPath.Parse("n");
        private static readonly FieldPath s_time = FieldPath.Parse("time");

        public Dictionary<string, List<(long Ticks, long N)>>? Result { get; private set; }

        public void Project(EventBatch batch, int index, ReadOnlySpan<byte> learner, long ticks, out Projected record)
        {
            Assert.True(batch.TryGetField(index, s_n, out FieldValue n));
            record.N = long.Parse(n.Utf8, CultureInfo.InvariantCulture);
            record.Ticks = batch.TryGetField(index, s_time, out FieldValue time) && time.Kind == JsonTokenType.String
                && DateTimeOffset.TryParse(time.GetString(), CultureInfo.InvariantCulture, out DateTimeOffset t) ? t.UtcTicks : long.MaxValue;
            Assert.Equal(record.Ticks, ticks);
        }

        public Partial CreatePartial() => new();

        public void Accumulate(Partial target, string learner, ReadOnlySpan<Projected> records)
        {
            var list = new List<(long, long)>(records.Length);
            foreach (Projected r in records)
            {
                list.Add((r.Ticks, r.N));
            }

            Assert.True(target.Learners.TryAdd(learner, list), $"a learner handed over twice: {learner}");
        }

        public void Begin(Partial target, string learner)
        {
            Assert.Null(target.Streaming);
            target.Streaming = (learner, []);
        }

        /// <summary>Called at every piece handed over (a test cancels the run there).</summary>
        public Action? OnContinue { get; init; }

        public int Continued { get; private set; }

        public void Continue(Partial target, ReadOnlySpan<Projected> records)
        {
            Continued++;
            OnContinue?.Invoke();
            Assert.NotNull(target.Streaming);
            foreach (Projected r in records)
            {
                target.Streaming.Value.Records.Add((r.Ticks, r.N));
            }

            target.Pieces++;
        }

        public void End(Partial target)
        {
            (string learner, List<(long, long)> list) = target.Streaming!.Value;
            Assert.True(target.Learners.TryAdd(learner, list), $"a learner handed over twice: {learner}");
            target.Streaming = null;
        }

        public void Merge(Partial into, Partial from)
        {
            foreach ((string learner, List<(long, long)> list) in from.Learners)
            {
                Assert.True(into.Learners.TryAdd(learner, list), $"a learner in two partials: {learner}");
            }
        }

        public void Complete(Partial result) => Result = result.Learners;

        public sealed class Partial
        {
            public Dictionary<string, List<(long Ticks, long N)>> Learners { get; } = new(StringComparer.Ordinal);

            public (string Learner, List<(long, long)> Records)? Streaming { get; set; }

            public int Pieces { get; set; }
        }
    }
}
