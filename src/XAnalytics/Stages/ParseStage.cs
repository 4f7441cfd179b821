using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Formats.Bson;
using XAnalytics.Formats.Json;
using XAnalytics.Pipeline;

namespace XAnalytics.Stages;

/// <summary>
/// The first stage of every run: validates each line as a JSON object and indexes its top-level fields,
/// rejecting (with file, line and reason) what is not an event. Runs on all threads.
/// </summary>
/// <remarks>
/// With <see cref="ParseOptions.LineFilter"/>, lines it turns down are counted as filtered before any parsing.
/// With <see cref="ParseOptions.RepairTruncated"/>, truncated lines are closed and retried
/// (<see cref="TruncatedJsonRepair"/>); repaired ones count as the stage's Changed and its <c>repaired</c> fact.
/// </remarks>
public static class ParseStage
{
    /// <summary>The stage's name in counters.</summary>
    public const string Name = "parse";

    /// <summary>The parse stage's fact: truncated lines repaired into events.</summary>
    public const string RepairedFact = "repaired";

    /// <summary>
    /// The parse stage's fact: lines with text before their JSON object (a syslog timestamp and host, say) read as the
    /// object, as edX reads them (see <see cref="TryWithoutPrefix"/>).
    /// </summary>
    public const string PrefixedFact = "prefixed";

    [ThreadStatic]
    private static TopField[]? s_fields;

    [ThreadStatic]
    private static TopField[]? s_contextMembers;

    /// <summary>Creates the block.</summary>
    public static IPropagatorBlock<EventBatch, EventBatch> Create(StageContext context, ParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ParseOptions o = options ?? new ParseOptions();
        StageCounters counters = context.Counters.ForStage(Name);
        return new TransformBlock<EventBatch, EventBatch>(
            batch =>
            {
                // A BSON batch becomes JSON here, on all threads, before stages and sinks that may run on one.
                // (A fused aggregate skips this block and reads its fields from the BSON.)
                return Parse(batch, context, counters, o, toJson: true);
            },
            context.ParallelBlockOptions());
    }

    /// <summary>Parses a batch in place (exposed for benchmarks and tests).</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="context">The run's context.</param>
    /// <param name="counters">The stage's counters.</param>
    /// <param name="options">The stage's options.</param>
    /// <param name="toJson">Also turns a BSON batch into JSON (the stage's block; a fused aggregate reads the BSON).</param>
    internal static EventBatch Parse(EventBatch batch, StageContext context, StageCounters counters, ParseOptions? options = null, bool toJson = false)
    {
        int count = batch.Count;
        if (batch.IsParsed)
        {
            // Checked by its reader already (BSON input: documents that convert to JSON), or indexed on its part's
            // hash: then a document that does not convert (a forged manifest) is rejected here. A line filter sees
            // the compact JSON each document converts to.
            int rejected = toJson || options?.LineFilter is not null
                ? batch.EnsureJson((context.Rejects, batch.Source), static (state, line, detail, raw) => state.Rejects.Add(state.Source, line, BsonRejects.InvalidBson, detail, raw))
                : 0;
            int left = options?.LineFilter is { } lineFilter ? FilterParsed(batch, lineFilter) : count - rejected;
            context.Counters.AddEvents(left);
            context.Counters.AddFiltered(count - rejected - left);
            counters.Add(count, left);
            return batch;
        }

        TopField[] fields = s_fields ??= new TopField[64];
        var contextIndex = new ContextIndex { Members = options?.IndexContext == true ? s_contextMembers ??= new TopField[32] : null };
        bool[] keep = System.Buffers.ArrayPool<bool>.Shared.Rent(count);
        LinePredicate? filter = options?.LineFilter;
        bool repair = options?.RepairTruncated ?? false;
        try
        {
            batch.BeginIndex(count * (contextIndex.Members is null ? 16 : 24)); // about 13 top-level fields (and 8 context members) an event
            int rejected = 0;
            int filtered = 0;
            int repaired = 0;
            int prefixed = 0;
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<byte> line = batch.GetUtf8(i);
                if (filter is not null && !filter(line))
                {
                    keep[i] = false;
                    filtered++;
                    continue;
                }

                string? reason = EventIndexer.TryIndex(line, ref fields, out int fieldCount, out string detail, ref contextIndex);
                if (reason is null && line.StartsWith("\uFEFF"u8))
                {
                    // A file's byte-order mark: dropped here, so every later reader of the event sees plain JSON.
                    // Copied out first: SetUtf8 may move the batch's buffer under the line.
                    Utf8JsonBuilder copy = Utf8JsonBuilder.ForThread(0);
                    copy.Append(line[3..]);
                    batch.SetUtf8(i, copy.Written);
                    keep[i] = true;
                }
                else if (reason is null)
                {
                    batch.SetFields(i, fields.AsSpan(0, fieldCount), contextIndex);
                    keep[i] = true;
                }
                else if (TryWithoutPrefix(batch, i, line, ref fields))
                {
                    keep[i] = true;
                    prefixed++;
                }
                else if (repair && reason == RejectReasons.Truncated && TryRepair(batch, i, line, ref fields))
                {
                    keep[i] = true;
                    repaired++;
                }
                else
                {
                    context.Rejects.Add(batch.Source, batch.GetLineNumber(i), reason, detail, line);
                    keep[i] = false;
                    rejected++;
                }
            }

            s_fields = fields;
            s_contextMembers = contextIndex.Members ?? s_contextMembers;
            if (rejected + filtered > 0)
            {
                batch.Retain(keep.AsSpan(0, count));
            }

            batch.IsParsed = true;
            context.Counters.AddEvents(count - rejected - filtered);
            context.Counters.AddFiltered(filtered);
            counters.Add(count, count - rejected - filtered, repaired + prefixed);
            counters.AddFact(RepairedFact, repaired);
            counters.AddFact(PrefixedFact, prefixed);
            return batch;
        }
        finally
        {
            System.Buffers.ArrayPool<bool>.Shared.Return(keep);
        }
    }

    private static int FilterParsed(EventBatch batch, LinePredicate filter)
        => batch.RetainWhere(filter, static (b, i, f) => f(b.GetUtf8(i)));

    /// <summary>
    /// edX's second try at a line that is not JSON (<c>eventlog.parse_json_event</c>, edx-analytics-pipeline
    /// <c>edx/analytics/tasks/util/eventlog.py</c>: "some eventlog entries are pure JSON, while others are JSON that
    /// are prepended by a timestamp"): <c>^.*?(\{.*\})\s*$</c>, the text from the first <c>{</c> to the last
    /// <c>}</c> with only white space after it, read as the event. Only a line with text before its first <c>{</c>
    /// can gain (for any other the slice is the line itself); the event is then the object alone, the text before it
    /// dropped, so every later reader (and writer) sees plain JSON.
    /// </summary>
    private static bool TryWithoutPrefix(EventBatch batch, int index, ReadOnlySpan<byte> line, ref TopField[] fields)
    {
        int open = line.IndexOf((byte)'{');
        if (open <= 0)
        {
            return false;
        }

        ReadOnlySpan<byte> json = line[open..].TrimEnd(" \t\r\n\f\v"u8);
        if (json.Length < 2 || json[^1] != (byte)'}' || line[..open].Trim(" \t"u8).IsEmpty)
        {
            return false; // no object; or only white space before it, which the first read skipped already
        }

        if (EventIndexer.TryIndex(json, ref fields, out _, out _) is not null)
        {
            return false;
        }

        // Copied out first: SetUtf8 may move the batch's buffer under the line.
        Utf8JsonBuilder copy = Utf8JsonBuilder.ForThread(0);
        copy.Append(json);
        batch.SetUtf8(index, copy.Written);
        return true;
    }

    private static bool TryRepair(EventBatch batch, int index, ReadOnlySpan<byte> line, ref TopField[] fields)
    {
        Utf8JsonBuilder first = Utf8JsonBuilder.ForThread(0);
        Utf8JsonBuilder second = Utf8JsonBuilder.ForThread(1);
        int candidates = TruncatedJsonRepair.Candidates(line, first, second);
        for (int c = 0; c < candidates; c++)
        {
            ReadOnlySpan<byte> json = (c == 0 ? first : second).Written;
            if (EventIndexer.TryIndex(json, ref fields, out _, out _) is null)
            {
                batch.SetUtf8(index, json);
                return true;
            }
        }

        return false;
    }
}
