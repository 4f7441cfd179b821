using System.Buffers;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Stages;

namespace XAnalytics.Benchmarks.Micro;

/// <summary>The sample cut into batches as the line reader cuts them, and a run context to parse them in.</summary>
internal static class MicroFixture
{
    private static readonly SourceFile s_file = new("sample.log", 0, 0, SourceFormat.JsonLines);

    public static RunCounters Counters { get; } = new(1, 0);

    public static StageContext Context { get; } = new(1, 2, ordered: false, Counters, new RejectLog(null, Counters), CancellationToken.None);

    public static StageCounters ParseCounters { get; } = Counters.ForStage(ParseStage.Name);

    /// <summary>Unparsed batches of the sample, with the engine's default batch bounds.</summary>
    public static EventBatch[] Batches(BenchData? sample = null)
    {
        BenchData data = sample ?? BenchData.Shared;
        var batches = new List<EventBatch>();
        EventBatch? current = null;
        for (int i = 0; i < data.Events; i++)
        {
            var line = new ReadOnlySequence<byte>(data.Json, data.LineStarts[i], data.LineStarts[i + 1] - data.LineStarts[i] - 1);
            current ??= EventBatch.Create(s_file, batches.Count);
            if (!current.TryAppend(line, i + 1))
            {
                batches.Add(current);
                current = EventBatch.Create(s_file, batches.Count);
                current.TryAppend(line, i + 1);
            }

            if (current.IsFull)
            {
                batches.Add(current);
                current = null;
            }
        }

        if (current is not null)
        {
            batches.Add(current);
        }

        return [.. batches];
    }

    /// <summary>The batches, parsed (with the context's members indexed when <paramref name="indexContext"/>, as the reports' runs do).</summary>
    public static EventBatch[] ParsedBatches(BenchData? sample = null, bool indexContext = false)
    {
        EventBatch[] batches = Batches(sample);
        var options = new ParseOptions { IndexContext = indexContext };
        foreach (EventBatch batch in batches)
        {
            ParseStage.Parse(batch, Context, ParseCounters, options);
        }

        return batches;
    }
}
