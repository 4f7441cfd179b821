using BenchmarkDotNet.Attributes;
using XAnalytics.Events;

namespace XAnalytics.Benchmarks.Micro;

/// <summary>Reading one field of every event of parsed batches: a top-level key (from the index) and nested ones (scanned).</summary>
[Config(typeof(BenchConfig))]
public class FieldBenchmarks
{
    private static readonly FieldPath s_eventType = FieldPath.Parse("event_type");
    private static readonly FieldPath s_courseId = FieldPath.Parse("context.course_id");
    private static readonly FieldPath s_userId = FieldPath.Parse("context.user_id");
    private EventBatch[] _batches = [];

    /// <summary>Parsed with <c>ParseOptions.IndexContext</c>: the context's members found in the parse's index.</summary>
    [Params(false, true)]
    public bool IndexContext { get; set; }

    [GlobalSetup]
    public void Setup() => _batches = MicroFixture.ParsedBatches(indexContext: IndexContext);

    [Benchmark(Baseline = true)]
    public int TopLevel_event_type() => ReadAll(s_eventType);

    [Benchmark]
    public int Nested_context_course_id() => ReadAll(s_courseId);

    [Benchmark]
    public int Nested_context_user_id() => ReadAll(s_userId);

    private int ReadAll(FieldPath path)
    {
        int length = 0;
        foreach (EventBatch batch in _batches)
        {
            for (int i = 0; i < batch.Count; i++)
            {
                if (batch.TryGetField(i, path, out FieldValue value))
                {
                    length += value.RawJson.Length;
                }
            }
        }

        return length;
    }
}
