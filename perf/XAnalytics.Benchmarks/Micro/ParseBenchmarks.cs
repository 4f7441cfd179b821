using System.Text.Json;
using BenchmarkDotNet.Attributes;
using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Formats.Json;
using XAnalytics.Stages;

namespace XAnalytics.Benchmarks.Micro;

/// <summary>
/// Validating each line and indexing its top-level fields. The floor is <see cref="Utf8JsonReader"/> reading
/// every token with nothing recorded; <see cref="JsonDocument"/> shows what building a DOM per event would cost.
/// </summary>
[Config(typeof(BenchConfig))]
public class ParseBenchmarks
{
    private EventBatch[] _batches = [];
    private TopField[] _fields = new TopField[64];

    [GlobalSetup]
    public void Setup() => _batches = MicroFixture.Batches();

    [Benchmark(Baseline = true)]
    public int Utf8JsonReader_AllTokens_Floor()
    {
        BenchData data = BenchData.Shared;
        int tokens = 0;
        for (int i = 0; i < data.Events; i++)
        {
            var reader = new Utf8JsonReader(data.Line(i));
            while (reader.Read())
            {
                tokens++;
            }
        }

        return tokens;
    }

    [Benchmark]
    public int Utf8_IsValid()
    {
        BenchData data = BenchData.Shared;
        int valid = 0;
        for (int i = 0; i < data.Events; i++)
        {
            valid += System.Text.Unicode.Utf8.IsValid(data.Line(i)) ? 1 : 0;
        }

        return valid;
    }

    [Benchmark]
    public int Utf8JsonReader_TopLevel_SkipNested()
    {
        BenchData data = BenchData.Shared;
        int fields = 0;
        for (int i = 0; i < data.Events; i++)
        {
            var reader = new Utf8JsonReader(data.Line(i));
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                reader.Read();
                reader.Skip();
                fields++;
            }
        }

        return fields;
    }

    /// <summary>As <see cref="Utf8JsonReader_TopLevel_SkipNested"/>, stepping over nested values with Read and CurrentDepth.</summary>
    [Benchmark]
    public int Utf8JsonReader_TopLevel_DepthLoop()
    {
        BenchData data = BenchData.Shared;
        int fields = 0;
        for (int i = 0; i < data.Events; i++)
        {
            var reader = new Utf8JsonReader(data.Line(i));
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                reader.Read();
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    int depth = reader.CurrentDepth;
                    while (reader.Read() && reader.CurrentDepth > depth)
                    {
                    }
                }

                fields++;
            }
        }

        return fields;
    }

    [Benchmark]
    public int JsonDocument_Parse()
    {
        BenchData data = BenchData.Shared;
        int fields = 0;
        for (int i = 0; i < data.Events; i++)
        {
            using var doc = JsonDocument.Parse(data.Json.AsMemory(data.LineStarts[i], data.LineStarts[i + 1] - data.LineStarts[i] - 1));
            fields += doc.RootElement.GetPropertyCount();
        }

        return fields;
    }

    [Benchmark]
    public int EventIndexer_TryIndex()
    {
        BenchData data = BenchData.Shared;
        int fields = 0;
        for (int i = 0; i < data.Events; i++)
        {
            _ = EventIndexer.TryIndex(data.Line(i), ref _fields, out int count, out _);
            fields += count;
        }

        return fields;
    }

    /// <summary>The fast path alone (what <see cref="EventIndexer_TryIndex"/> runs for a valid line, after its UTF-8 check).</summary>
    [Benchmark]
    public int JsonStructuralIndexer_TryIndex()
    {
        BenchData data = BenchData.Shared;
        int fields = 0;
        for (int i = 0; i < data.Events; i++)
        {
            _ = JsonStructuralIndexer.TryIndex(data.Line(i), 0, ref _fields, out int count, out _);
            fields += count;
        }

        return fields;
    }

    [Benchmark]
    public int ParseStage_Batches()
    {
        int events = 0;
        foreach (EventBatch batch in _batches)
        {
            batch.IsParsed = false; // parsed by the run before: parsed again, or the stage would only check the flag
            events += ParseStage.Parse(batch, MicroFixture.Context, MicroFixture.ParseCounters).Count;
        }

        return events;
    }
}
