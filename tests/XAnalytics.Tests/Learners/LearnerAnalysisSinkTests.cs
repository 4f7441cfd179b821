using System.Collections.Concurrent;
using System.Text.Json;
using XAnalytics.Learners;
using XAnalytics.Ordering;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Learners;

/// <summary>Per-learner analyses: each learner whole and in time order, over unsorted and sorted input alike.</summary>
public sealed class LearnerAnalysisSinkTests
{
    [Fact]
    public async Task Analysis_OverUnsortedInputOnOneAndFourThreads_AndOverSortedInput_SeesEachLearnerOnceInTimeOrder()
    {
        using var dir = new TempDir();
        await TestArchives.GenerateAsync(dir.PathOf("in"), events: 15_000, files: 3, courses: 2, learners: 250, days: 3);
        var sort = new SortOptions { MemoryBytes = 16L * 1024 * 1024, ScratchDirectory = dir.PathOf("scratch") };

        Dictionary<string, (int Events, long First, long Last)> one = await AnalyseAsync([dir.PathOf("in")], sort, sorted: false, threads: 1);
        Dictionary<string, (int Events, long First, long Last)> four = await AnalyseAsync([dir.PathOf("in")], sort, sorted: false, threads: 4);
        await EventPipeline.RunAsync(Run.Options([dir.PathOf("in")]), [], new SortSink(sort, new JsonPartsSink(new PartsSinkOptions { OutputDirectory = dir.PathOf("sorted") })))
            .WaitAsync(Run.Timeout);
        Dictionary<string, (int Events, long First, long Last)> fromSorted = await AnalyseAsync([dir.PathOf("sorted")], sort, sorted: true, threads: 4);

        // Independently: events per username from the input's lines.
        var expected = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string line in TestArchives.ReadLines(Directory.GetFiles(dir.PathOf("in"), "*.gz", SearchOption.AllDirectories)))
        {
            try
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                string user = doc.RootElement.TryGetProperty("username", out JsonElement u) && u.ValueKind == JsonValueKind.String ? u.GetString()! : "";
                expected[user] = expected.GetValueOrDefault(user) + 1;
            }
            catch (JsonException)
            {
                // rejected by the run
            }
        }

        Assert.Equal(expected.OrderBy(static p => p.Key, StringComparer.Ordinal), one.Select(static p => KeyValuePair.Create(p.Key, p.Value.Events)).OrderBy(static p => p.Key, StringComparer.Ordinal));
        Assert.Equal(one, four);
        Assert.Equal(one, fromSorted);
        Assert.All(one.Values, static v => Assert.True(v.First <= v.Last));
    }

    /// <summary>
    /// One learner's events (12,000 of about 1 KB, times shuffled) outgrow the shuffle's memory for one bucket
    /// (half of 16 MiB): that bucket is sorted in runs on disk and merged; the learner still arrives once, whole and
    /// in time order, beside the small learners of the other buckets.
    /// </summary>
    [Fact]
    public async Task Analysis_ALearnerLargerThanTheMemory_IsSortedOnDiskAndArrivesWhole()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.PathOf("in"));
        var random = new Random(7);
        string padding = new('x', 900);
        var lines = new List<string>();
        for (int i = 0; i < 12_000; i++)
        {
            var time = new DateTime(2015, 3, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(random.Next(0, 86_400 * 20));
            lines.Add($$"""{"username":"learner-big","time":"{{time:yyyy-MM-ddTHH:mm:ss}}+00:00","event_type":"page","event":"{{padding}}"}""");
            if (i % 100 == 0)
            {
                lines.Add($$"""{"username":"learner-{{i}}","time":"{{time:yyyy-MM-ddTHH:mm:ss.ffffff}}+00:00","event_type":"page"}""");
            }
        }

        await File.WriteAllLinesAsync(dir.PathOf("in/tracking.log"), lines);
        var sort = new SortOptions { MemoryBytes = 16L * 1024 * 1024, ScratchDirectory = dir.PathOf("scratch") };
        var analysis = new LearnerSpans();
        RunResult result = await EventPipeline.RunAsync(Run.Options([dir.PathOf("in")], threads: 2), [], new LearnerAnalysisSink<LearnerSpans.Partial>(analysis, sort))
            .WaitAsync(Run.Timeout);

        Run.AssertBalanced(result.Counters);
        Assert.Empty(analysis.OutOfOrder);
        Assert.Equal(12_000, analysis.Result!["learner-big"].Events);
        Assert.Equal(121, analysis.Result.Count);
        Assert.Equal(1, result.Counters.ForStage(ShuffleSinkName).Fact("buckets-sorted-on-disk"));
        Assert.Empty(Directory.GetFileSystemEntries(dir.PathOf("scratch")));
    }

    private const string ShuffleSinkName = "shuffle";

    private static async Task<Dictionary<string, (int Events, long First, long Last)>> AnalyseAsync(string[] inputs, SortOptions sort, bool sorted, int threads)
    {
        var analysis = new LearnerSpans();
        RunResult result = await EventPipeline.RunAsync(Run.Options(inputs, threads: threads), [], new LearnerAnalysisSink<LearnerSpans.Partial>(analysis, sort, sorted))
            .WaitAsync(Run.Timeout);
        Run.AssertBalanced(result.Counters);
        Assert.Empty(analysis.OutOfOrder);
        return analysis.Result!;
    }

    /// <summary>Events, first and last readable time per learner; notes any learner seen twice or out of time order.</summary>
    private sealed class LearnerSpans : ILearnerAnalysis<LearnerSpans.Partial>
    {
        public ConcurrentBag<string> OutOfOrder { get; } = [];

        public Dictionary<string, (int Events, long First, long Last)>? Result { get; private set; }

        public Partial CreatePartial() => new();

        public void Accumulate(Partial target, LearnerGroup learner)
        {
            long first = long.MaxValue;
            long last = long.MinValue;
            long previous = long.MinValue;
            for (int i = 0; i < learner.Count; i++)
            {
                long ticks = learner.GetTimeTicks(i);
                if (ticks < previous)
                {
                    OutOfOrder.Add(learner.Learner);
                }

                previous = ticks;
                if (ticks != long.MaxValue)
                {
                    first = Math.Min(first, ticks);
                    last = Math.Max(last, ticks);
                }
            }

            Assert.True(target.Learners.TryAdd(learner.Learner, (learner.Count, first, last)), $"a learner handed over twice: {learner.Learner}");
        }

        public void Merge(Partial into, Partial from)
        {
            foreach ((string learner, (int, long, long) value) in from.Learners)
            {
                Assert.True(into.Learners.TryAdd(learner, value), $"a learner in two partials: {learner}");
            }
        }

        public void Complete(Partial result) => Result = result.Learners;

        public sealed class Partial
        {
            public Dictionary<string, (int Events, long First, long Last)> Learners { get; } = new(StringComparer.Ordinal);
        }
    }
}
