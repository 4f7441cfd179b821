using System.Text.Json;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Formats.Json;
using XAnalytics.Internal;
using XAnalytics.Pipeline;

namespace XAnalytics.Stages;

/// <summary>
/// Replaces string values longer than <see cref="TruncateOptions.MaxLength"/> with null, at any depth (keys are
/// left alone), as the original toolkit did. Changed events count as the stage's Changed; each string nulled
/// counts in the <see cref="NulledFact"/> fact. Runs on all threads.
/// </summary>
/// <remarks>
/// An event is first scanned for a string token long enough to matter (its raw byte length bounds its length in
/// characters); only events with one are rewritten.
/// </remarks>
public static class TruncateStage
{
    /// <summary>The stage's name in counters.</summary>
    public const string Name = "truncate";

    /// <summary>Fact: string values replaced with null.</summary>
    public const string NulledFact = "nulled";

    [ThreadStatic]
    private static byte[]? s_scratch;

    /// <summary>The stage, for <see cref="EventPipeline"/>. Validates the options now.</summary>
    public static IEventStage Create(TruncateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        TruncateOptions o = options.Validated();
        return new FactoryStage(Name, false, context => CreateBlock(context, o));
    }

    /// <summary>The stage's block for one run.</summary>
    public static IPropagatorBlock<EventBatch, EventBatch> CreateBlock(StageContext context, TruncateOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        int max = options.Validated().MaxLength;
        StageCounters counters = context.Counters.ForStage(Name);
        return new TransformBlock<EventBatch, EventBatch>(batch => Process(batch, counters, max), context.ParallelBlockOptions());
    }

    internal static EventBatch Process(EventBatch batch, StageCounters counters, int max)
    {
        int changed = 0;
        long nulled = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            ReadOnlySpan<byte> line = batch.GetUtf8(i);
            if (!HasLongString(line, max))
            {
                continue;
            }

            Utf8JsonBuilder output = Utf8JsonBuilder.ForThread(0);
            int n = Rewrite(line, max, output);
            if (n > 0)
            {
                batch.SetUtf8(i, output);
                changed++;
                nulled += n;
            }
        }

        counters.Add(batch.Count, batch.Count, changed);
        counters.AddFact(NulledFact, nulled);
        return batch;
    }

    private static bool HasLongString(ReadOnlySpan<byte> line, int max)
    {
        if (line.Length <= max)
        {
            return false;
        }

        var reader = new Utf8JsonReader(line, JsonBytes.ReaderOptions);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > max)
            {
                return true;
            }
        }

        return false;
    }

    private static int Rewrite(ReadOnlySpan<byte> line, int max, Utf8JsonBuilder output)
    {
        byte[] scratch = s_scratch ??= new byte[1024];
        int nulled = 0;
        var reader = new Utf8JsonReader(line, JsonBytes.ReaderOptions);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    output.StartObject();
                    break;
                case JsonTokenType.EndObject:
                    output.EndObject();
                    break;
                case JsonTokenType.StartArray:
                    output.StartArray();
                    break;
                case JsonTokenType.EndArray:
                    output.EndArray();
                    break;
                case JsonTokenType.PropertyName:
                    output.PropertyRaw(JsonBytes.RawToken(ref reader, line));
                    break;
                case JsonTokenType.String when reader.ValueSpan.Length > max && CodePoints(JsonBytes.Unescaped(ref reader, ref scratch)) > max:
                    output.Null();
                    nulled++;
                    break;
                default:
                    output.ValueRaw(JsonBytes.RawToken(ref reader, line));
                    break;
            }
        }

        s_scratch = scratch;
        return nulled;
    }

    private static int CodePoints(ReadOnlySpan<byte> utf8)
    {
        int count = 0;
        foreach (byte b in utf8)
        {
            if ((b & 0xC0) != 0x80)
            {
                count++;
            }
        }

        return count;
    }
}
