using System.Buffers;
using System.Text;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Stages;

namespace XAnalytics.Tests.TestSupport;

/// <summary>Parsed batches made in memory from JSON lines, through the real parse stage.</summary>
internal static class Batches
{
    public static EventBatch Parse(params string[] lines) => Parse(out _, lines);

    /// <summary>Parsed with the context objects' members indexed (<see cref="ParseOptions.IndexContext"/>), as reports parse.</summary>
    public static EventBatch ParseIndexingContext(params string[] lines) => Parse(out _, new ParseOptions { IndexContext = true }, lines);

    public static EventBatch Parse(out RunCounters counters, params string[] lines) => Parse(out counters, null, lines);

    public static EventBatch Parse(out RunCounters counters, ParseOptions? options, params string[] lines)
    {
        var file = new SourceFile("memory.log", 0, 0, SourceFormat.JsonLines);
        counters = new RunCounters(1, 0);
        var context = new StageContext(1, 1, ordered: false, counters, new RejectLog(null, counters), CancellationToken.None);
        int bytes = 0;
        foreach (string line in lines)
        {
            bytes += Encoding.UTF8.GetByteCount(line);
        }

        EventBatch batch = EventBatch.Create(file, 0, Math.Max(4096, bytes), Math.Max(64, lines.Length));
        for (int i = 0; i < lines.Length; i++)
        {
            Assert.True(batch.TryAppend(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(lines[i])), i + 1));
        }

        return ParseStage.Parse(batch, context, counters.ForStage(ParseStage.Name), options);
    }
}
