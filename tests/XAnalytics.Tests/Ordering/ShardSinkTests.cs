using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using XAnalytics.Ordering;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Ordering;

/// <summary>Learner buckets: whole learners per bucket, stable bucket numbers, sorted buckets, exact accounting.</summary>
public sealed class ShardSinkTests
{
    [Fact]
    public void LearnerBuckets_AreXxHash64OfTheKeysUtf8BytesModN_PinnedForKnownKeys()
    {
        // Pinned: a change of hash function or of the key's bytes would move every learner to another bucket, and
        // bucket folders written by earlier runs could no longer be read together with new ones.
        Assert.Equal((int)(XxHash64.HashToUInt64("learner_a"u8) % 16), LearnerBuckets.Of("learner_a"u8, 16));
        Assert.Equal(0xEF46DB3751D8E999UL % 16, (ulong)LearnerBuckets.Of([], 16)); // XxHash64 of nothing, seed 0
        Assert.Equal("bucket-0007", LearnerBuckets.FolderName(7));
        int[] seen = new int[8];
        for (int i = 0; i < 8000; i++)
        {
            seen[LearnerBuckets.Of(Encoding.UTF8.GetBytes($"learner_{i}"), 8)]++;
        }

        Assert.All(seen, static n => Assert.InRange(n, 800, 1200));
    }

    [Fact]
    public async Task Shard_GeneratedArchive_BucketsHoldWholeLearners_AllEventsOnce_SortedBucketsSameOnOneAndFourThreads()
    {
        using var dir = new TempDir();
        await TestArchives.GenerateAsync(dir.PathOf("in"), events: 12_000, files: 3, courses: 2, learners: 200, days: 2);

        (RunResult plain, Dictionary<int, List<string>> buckets) = await ShardAsync(dir, "plain", sorted: false, threads: 2);
        (RunResult one, Dictionary<int, List<string>> sortedOne) = await ShardAsync(dir, "sorted1", sorted: true, threads: 1);
        (_, Dictionary<int, List<string>> sortedFour) = await ShardAsync(dir, "sorted4", sorted: true, threads: 4);

        Run.AssertBalanced(plain.Counters);
        Run.AssertBalanced(one.Counters);
        long events = 0;
        var learnerBucket = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach ((int bucket, List<string> lines) in buckets)
        {
            events += lines.Count;
            foreach (string line in lines)
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                string user = doc.RootElement.TryGetProperty("username", out JsonElement u) && u.ValueKind == JsonValueKind.String ? u.GetString()! : "";
                Assert.Equal(LearnerBuckets.Of(Encoding.UTF8.GetBytes(user), 4), bucket);
                Assert.Equal(bucket, learnerBucket.TryGetValue(user, out int b) ? b : learnerBucket[user] = bucket);
            }
        }

        Assert.Equal(plain.Counters.Written, events);
        Assert.True(learnerBucket.Count > 50);
        foreach ((int bucket, List<string> lines) in sortedOne)
        {
            Assert.Equal(lines, sortedFour[bucket]);
            Assert.Equal(buckets[bucket].Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal)); // the same events
            string previous = "";
            foreach (string line in lines)
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                string user = doc.RootElement.TryGetProperty("username", out JsonElement u) && u.ValueKind == JsonValueKind.String ? u.GetString()! : "";
                Assert.True(string.CompareOrdinal(previous, user) <= 0, "a sorted bucket holds its learners in order");
                previous = user;
            }
        }
    }

    [Fact]
    public async Task Shard_ABucketFailingAfterOthersCompleted_PublishesNoBucketAndLeavesNoStaging()
    {
        using var dir = new TempDir();
        await TestArchives.GenerateAsync(dir.PathOf("in"), events: 3_000, files: 2, courses: 1, learners: 50, days: 1);
        var shard = new ShardSink(
            new ShardOptions { Buckets = 4 },
            dir.PathOf("out"),
            (i, folder) => new FailingSink(new JsonPartsSink(new PartsSinkOptions { OutputDirectory = folder }), fail: i == 2));

        await Assert.ThrowsAsync<IOException>(() => EventPipeline.RunAsync(Run.Options([dir.PathOf("in")]), [], shard).WaitAsync(Run.Timeout));

        Assert.False(Directory.Exists(dir.PathOf("out")), "buckets 0 and 1 completed, yet nothing is published");
        Assert.Empty(Directory.GetFileSystemEntries(dir.Root, ".out*"));
    }

    [Fact]
    public async Task Shard_ABucketFailingWhileReading_RunFailsAfterTheStagingIsGone()
    {
        using var dir = new TempDir();
        await TestArchives.GenerateAsync(dir.PathOf("in"), events: 3_000, files: 2, courses: 1, learners: 50, days: 1);
        var shard = new ShardSink(
            new ShardOptions { Buckets = 4 },
            dir.PathOf("out"),
            (i, folder) => i == 1 ? new ThrowingBlockSink() : new JsonPartsSink(new PartsSinkOptions { OutputDirectory = folder }));

        await Assert.ThrowsAnyAsync<Exception>(() => EventPipeline.RunAsync(Run.Options([dir.PathOf("in")], threads: 2), [], shard).WaitAsync(Run.Timeout));

        // Checked the moment the run has failed: the staging folder's discard is part of the failure, not after it.
        Assert.False(Directory.Exists(dir.PathOf("out")));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Root, ".out*"));
    }

    private static async Task<(RunResult Result, Dictionary<int, List<string>> Buckets)> ShardAsync(TempDir dir, string output, bool sorted, int threads)
    {
        var shard = new ShardSink(
            new ShardOptions { Buckets = 4, Sort = sorted ? new SortOptions { MemoryBytes = 16L * 1024 * 1024, ScratchDirectory = dir.PathOf("scratch") } : null },
            dir.PathOf(output),
            (_, folder) => new JsonPartsSink(new PartsSinkOptions { OutputDirectory = folder }));
        RunResult result = await EventPipeline.RunAsync(Run.Options([dir.PathOf("in")], threads: threads), [], shard).WaitAsync(Run.Timeout);
        var buckets = new Dictionary<int, List<string>>();
        for (int i = 0; i < 4; i++)
        {
            string[] parts = [.. Directory.GetFiles(Path.Combine(dir.PathOf(output), LearnerBuckets.FolderName(i)), "part-*").Order(StringComparer.Ordinal)];
            buckets[i] = TestArchives.ReadLines(parts);
        }

        return (result, buckets);
    }

    /// <summary>A bucket's sink whose block fails on the first batch it is given.</summary>
    private sealed class ThrowingBlockSink : IEventSink
    {
        public bool RequiresInputOrder => false;

        public System.Threading.Tasks.Dataflow.ITargetBlock<XAnalytics.Events.EventBatch> CreateBlock(StageContext context)
            => new System.Threading.Tasks.Dataflow.ActionBlock<XAnalytics.Events.EventBatch>(static batch =>
            {
                batch.Dispose();
                throw new IOException("disk full (a test)");
            });

        public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>A bucket's sink whose completion fails, after the buckets before it completed.</summary>
    private sealed class FailingSink(IEventSink inner, bool fail) : IEventSink
    {
        public bool RequiresInputOrder => inner.RequiresInputOrder;

        public System.Threading.Tasks.Dataflow.ITargetBlock<XAnalytics.Events.EventBatch> CreateBlock(StageContext context) => inner.CreateBlock(context);

        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            await inner.CompleteAsync(cancellationToken);
            if (fail)
            {
                throw new IOException("disk full (a test)");
            }
        }
    }
}
