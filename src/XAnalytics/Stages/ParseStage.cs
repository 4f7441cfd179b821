using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Stages;

/// <summary>
/// The first stage of every run: validates each line as a JSON object and indexes its top-level fields,
/// rejecting (with file, line and reason) what is not an event. Runs on all threads.
/// </summary>
public static class ParseStage
{
    /// <summary>The stage's name in counters.</summary>
    public const string Name = "parse";

    [ThreadStatic]
    private static TopField[]? s_fields;

    /// <summary>Creates the block.</summary>
    public static IPropagatorBlock<EventBatch, EventBatch> Create(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        StageCounters counters = context.Counters.ForStage(Name);
        return new TransformBlock<EventBatch, EventBatch>(
            batch => Parse(batch, context, counters),
            context.ParallelBlockOptions());
    }

    /// <summary>Parses a batch in place (exposed for benchmarks and tests).</summary>
    internal static EventBatch Parse(EventBatch batch, StageContext context, StageCounters counters)
    {
        int count = batch.Count;
        if (batch.IsParsed)
        {
            // Indexed by its reader already (BSON input: the JSON was written, and indexed, from valid BSON).
            context.Counters.AddEvents(count);
            counters.Add(count, count);
            return batch;
        }

        TopField[] fields = s_fields ??= new TopField[64];
        bool[] keep = System.Buffers.ArrayPool<bool>.Shared.Rent(count);
        try
        {
            batch.BeginIndex(count * 16);
            int rejected = 0;
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<byte> line = batch.GetUtf8(i);
                string? reason = EventIndexer.TryIndex(line, ref fields, out int fieldCount, out string detail);
                if (reason is null)
                {
                    batch.SetFields(i, fields.AsSpan(0, fieldCount));
                    keep[i] = true;
                }
                else
                {
                    context.Rejects.Add(batch.Source, batch.GetLineNumber(i), reason, detail, line);
                    keep[i] = false;
                    rejected++;
                }
            }

            s_fields = fields;
            if (rejected > 0)
            {
                batch.Retain(keep.AsSpan(0, count));
            }

            batch.IsParsed = true;
            context.Counters.AddEvents(count - rejected);
            counters.Add(count, count - rejected);
            return batch;
        }
        finally
        {
            System.Buffers.ArrayPool<bool>.Shared.Return(keep);
        }
    }
}
