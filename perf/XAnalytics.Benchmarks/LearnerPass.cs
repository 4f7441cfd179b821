using System.Diagnostics;
using XAnalytics.Learners;
using XAnalytics.Ordering;
using XAnalytics.Pipeline;

namespace XAnalytics.Benchmarks;

/// <summary>
/// <c>learner-pass DIR [--via shuffle|sort|records] [--memory MiB]</c>: one per-learner analysis (events and span per
/// learner) over an archive, with the learners gathered by the shuffle of whole events
/// (<see cref="LearnerAnalysisSink{TPartial}"/> over unsorted input), by a full sort feeding it, or as records (the
/// event's time, <see cref="LearnerRecordSink{TRecord, TPartial}"/>); prints wall time, CPU time and peak RSS of this process.
/// </summary>
internal static class LearnerPass
{
    public static async Task<int> RunAsync(string[] args)
    {
        string dir = args[0];
        string via = Option(args, "--via") ?? "shuffle";
        long memory = long.Parse(Option(args, "--memory") ?? "512", System.Globalization.CultureInfo.InvariantCulture) * 1024 * 1024;
        var sort = new SortOptions { MemoryBytes = memory };
        var analysis = new Spans();
        IEventSink sink = via switch
        {
            "sort" => new SortSink(sort, new LearnerAnalysisSink<Spans.Partial>(analysis, sort, inputIsSorted: true)),
            "records" => new LearnerRecordSink<long, Spans.Partial>(analysis, sort),
            _ => new LearnerAnalysisSink<Spans.Partial>(analysis, sort),
        };
        var clock = Stopwatch.StartNew();
        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        RunResult result = await EventPipeline.RunAsync(new PipelineOptions { Source = new FileSourceOptions { Inputs = [dir] } }, [], sink);
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(
            $"{via}: {result.Counters.Written:N0} events, {analysis.Learners:N0} learners, wall {clock.Elapsed.TotalSeconds:F2} s, "
            + $"cpu {(self.TotalProcessorTime - cpu0).TotalSeconds:F2} s, peak {self.PeakWorkingSet64 / (1024 * 1024):N0} MiB");
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private sealed class Spans : ILearnerAnalysis<Spans.Partial>, ILearnerRecordAnalysis<long, Spans.Partial>
    {
        public long Learners { get; private set; }

        public Partial CreatePartial() => new();

        public void Accumulate(Partial target, LearnerGroup learner)
        {
            target.Learners++;
            target.Events += learner.Count;
            long first = learner.GetTimeTicks(0);
            long last = learner.GetTimeTicks(learner.Count - 1);
            target.Span += last == long.MaxValue ? 0 : last - first;
        }

        public void Project(XAnalytics.Events.EventBatch batch, int index, ReadOnlySpan<byte> learner, long ticks, out long record) => record = ticks;

        public void Accumulate(Partial target, string learner, ReadOnlySpan<long> records)
        {
            target.Learners++;
            target.Events += records.Length;
            target.Span += records[^1] == long.MaxValue ? 0 : records[^1] - records[0];
        }

        public void Merge(Partial into, Partial from)
        {
            into.Learners += from.Learners;
            into.Events += from.Events;
            into.Span += from.Span;
        }

        public void Complete(Partial result) => Learners = result.Learners;

        public sealed class Partial
        {
            public long Learners;
            public long Events;
            public long Span;
        }
    }
}
