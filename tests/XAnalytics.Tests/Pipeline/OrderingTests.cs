using System.Text;
using XAnalytics.Aggregates;
using XAnalytics.Pipeline;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Pipeline;

/// <summary>A sink that needs input order gets every event in file order then line order, however many threads.</summary>
public sealed class OrderingTests
{
    /// <summary>40 small files (some empty, some gzip, some with rejects and blanks), in batches of 3 events.</summary>
    private static List<(int File, long Line)> WriteFiles(TempDir dir)
    {
        var expected = new List<(int, long)>();
        var random = new Random(17);
        for (int f = 0; f < 40; f++)
        {
            int lines = f % 9 == 0 ? 0 : random.Next(1, 60);
            var text = new StringBuilder();
            for (int line = 1; line <= lines; line++)
            {
                if (line % 13 == 0)
                {
                    text.Append("# not an event\n");
                    continue;
                }

                if (line % 11 == 0)
                {
                    text.Append('\n');
                    continue;
                }

                text.Append("{\"event_type\":\"t").Append(line % 4).Append("\",\"f\":").Append(f).Append(",\"line\":").Append(line).Append("}\n");
                expected.Add((f, line));
            }

            _ = f % 3 == 0 ? dir.WriteGzip($"in/f{f:D2}.log.gz", text.ToString()) : dir.WriteText($"in/f{f:D2}.log", text.ToString());
        }

        return expected;
    }

    [Theory]
    [InlineData(2, null)]
    [InlineData(3, 1)]
    [InlineData(4, null)]
    [InlineData(4, 2)]
    public async Task Run_SinkRequiresOrder_EventsInExactFileAndLineOrder(int threads, int? readers)
    {
        using var dir = new TempDir();
        List<(int File, long Line)> expected = WriteFiles(dir);
        PipelineOptions options = Run.Options([dir.PathOf("in")], threads: threads) with
        {
            Readers = readers,
            BatchEvents = 3,
            BoundedCapacity = 1,
        };

        (RunResult result, IReadOnlyList<SeenEvent> seen) = await Run.RecordAsync(options, ordered: true, stages: [new JitterStage()]);

        Assert.Equal(expected, seen.Select(e => (e.FileIndex, e.Line)));
        Assert.All(seen, e => Assert.Contains($"\"f\":{e.FileIndex},\"line\":{e.Line}}}", e.Text, StringComparison.Ordinal));
        Assert.Equal(expected.Count, result.Counters.Written);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Run_OrderedWithFilter_KeptEventsInOrderAndBalanced(int threads)
    {
        using var dir = new TempDir();
        List<(int File, long Line)> all = WriteFiles(dir);
        PipelineOptions options = Run.Options([dir.PathOf("in")], threads: threads) with { BatchEvents = 3 };

        (RunResult result, IReadOnlyList<SeenEvent> seen) = await Run.RecordAsync(
            options, ordered: true, stages: [new JitterStage(), new DropEvenLinesStage(), new JitterStage()]);

        List<(int File, long Line)> kept = all.Where(e => e.Line % 2 == 1).ToList();
        Assert.Equal(kept, seen.Select(e => (e.FileIndex, e.Line)));
        Assert.Equal(all.Count - kept.Count, result.Counters.Filtered);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Run_UnorderedSink_SameEventsAndTotalsAsOrdered(int threads)
    {
        using var dir = new TempDir();
        List<(int File, long Line)> expected = WriteFiles(dir);
        PipelineOptions options = Run.Options([dir.PathOf("in")], threads: threads) with { BatchEvents = 3 };

        (RunResult ordered, IReadOnlyList<SeenEvent> inOrder) = await Run.RecordAsync(options, ordered: true, stages: [new JitterStage()]);
        (RunResult unordered, IReadOnlyList<SeenEvent> anyOrder) = await Run.RecordAsync(options, ordered: false, stages: [new JitterStage()]);
        (RunResult counted, CountResult counts) = await Run.CountAsync(options);

        Assert.Equal(expected, anyOrder.Select(e => (e.FileIndex, e.Line)).Order());
        Assert.Equal(inOrder.Select(e => e.Text).Order(StringComparer.Ordinal), anyOrder.Select(e => e.Text).Order(StringComparer.Ordinal));
        foreach (RunCounters c in new[] { unordered.Counters, counted.Counters })
        {
            Assert.Equal(ordered.Counters.LinesRead, c.LinesRead);
            Assert.Equal(ordered.Counters.BlankLines, c.BlankLines);
            Assert.Equal(ordered.Counters.Written, c.Written);
            Assert.Equal(ordered.Counters.Rejected, c.Rejected);
            Assert.Equal(ordered.Counters.Bytes, c.Bytes);
            Assert.Equal(ordered.Counters.StoredBytesRead, c.StoredBytesRead);
        }

        Assert.Equal(expected.Count, counts.Events);
        Assert.Equal(
            expected.GroupBy(e => e.Line % 4).Select(g => ($"t{g.Key}", (long)g.Count())).OrderBy(x => x.Item1, StringComparer.Ordinal),
            counts.Rows!.Select(r => (r.Values[0]!, r.Count)).OrderBy(x => x.Item1, StringComparer.Ordinal));
    }
}
