using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Tests.Stages;

/// <summary>Runs stages over hand-written lines through the real pipeline and collects what comes out, in order.</summary>
internal static class StageHarness
{
    public static async Task<(List<string> Lines, RunResult Result)> RunAsync(
        IReadOnlyList<string> lines, IReadOnlyList<IEventStage> stages, int threads = 2, ParseOptions? parse = null, int batchEvents = 4096, int files = 1)
    {
        DirectoryInfo dir = Directory.CreateTempSubdirectory("xanalytics-stages-");
        try
        {
            // Spread the lines over several files (in name order) so multi-threaded runs really interleave.
            int per = (lines.Count + files - 1) / Math.Max(1, files);
            for (int f = 0; f < files; f++)
            {
                IEnumerable<string> part = lines.Skip(f * per).Take(per);
                File.WriteAllText(Path.Combine(dir.FullName, $"tracking-{f:D3}.log"), string.Join('\n', part) + "\n");
            }

            var sink = new CollectSink();
            RunResult result = await EventPipeline.RunAsync(
                new PipelineOptions
                {
                    Source = new() { Inputs = [dir.FullName] },
                    Threads = threads,
                    BatchEvents = batchEvents,
                    Parse = parse ?? new ParseOptions(),
                },
                stages,
                sink).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(result.Counters.IsBalanced, "read = written + filtered + rejected");
            return (sink.Lines, result);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    public static async Task<string> RunOneAsync(string line, IEventStage stage)
    {
        (List<string> lines, _) = await RunAsync([line], [stage]);
        return Assert.Single(lines);
    }

    /// <summary>Asserts two JSON texts are the same value (key order within objects ignored).</summary>
    public static void AssertJson(string expected, string actual)
    {
        var deep = new System.Text.Json.JsonDocumentOptions { MaxDepth = 256 }; // as deep as the parse stage allows
        JsonNode? e = JsonNode.Parse(expected, documentOptions: deep);
        JsonNode? a = JsonNode.Parse(actual, documentOptions: deep);
        Assert.True(JsonNode.DeepEquals(e, a), $"Expected:\n{e?.ToJsonString()}\nActual:\n{a?.ToJsonString()}");
    }

    /// <summary>An ordered sink that keeps each event's JSON line.</summary>
    internal sealed class CollectSink : IEventSink
    {
        public List<string> Lines { get; } = [];

        public bool RequiresInputOrder => true;

        public ITargetBlock<EventBatch> CreateBlock(StageContext context)
            => new ActionBlock<EventBatch>(
                batch =>
                {
                    using (batch)
                    {
                        for (int i = 0; i < batch.Count; i++)
                        {
                            Lines.Add(Encoding.UTF8.GetString(batch.GetUtf8(i)));
                        }

                        context.Counters.AddWritten(batch.Count);
                    }
                },
                new ExecutionDataflowBlockOptions { BoundedCapacity = context.BoundedCapacity, CancellationToken = context.CancellationToken });

        public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
