using System.Text.Json;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Formats.Json;
using XAnalytics.Internal;
using XAnalytics.Pipeline;

namespace XAnalytics.Stages;

/// <summary>
/// Browser events carry their payload as a JSON-encoded string in the top-level <c>event</c>
/// (<c>"event": "{\"id\": \"...\"}"</c>). This stage turns such a string into the object or array it encodes,
/// so later stages and field paths (<c>event.id</c>) see it. Runs on all threads.
/// </summary>
/// <remarks>
/// A string that does not encode an object or array (cut at 512 characters by edX, a <c>key=value&amp;...</c>
/// query string, a bare number) is kept as it was and counted in the <see cref="UndecodableFact"/> fact; an empty
/// string is kept and not counted. Decoded events count as the stage's Changed. The decoded text is spliced
/// into the event as it is (no re-serialisation), and events without a string <c>event</c> are not touched.
/// </remarks>
public static class DecodeBrowserEventStage
{
    /// <summary>The stage's name in counters.</summary>
    public const string Name = "decode-browser-event";

    /// <summary>Fact: non-empty string <c>event</c> values kept because they do not encode an object or array.</summary>
    public const string UndecodableFact = "undecodable";

    private static readonly FieldPath s_event = FieldPath.Parse("event");

    [ThreadStatic]
    private static byte[]? s_scratchA;

    [ThreadStatic]
    private static TopField[]? s_fields;

    [ThreadStatic]
    private static byte[]? s_scratchB;

    /// <summary>The stage, for <see cref="EventPipeline"/>. Validates the options now.</summary>
    public static IEventStage Create(DecodeBrowserEventOptions? options = null)
    {
        DecodeBrowserEventOptions o = (options ?? new()).Validated();
        return new FactoryStage(Name, false, context => CreateBlock(context, o));
    }

    /// <summary>The stage's block for one run.</summary>
    public static IPropagatorBlock<EventBatch, EventBatch> CreateBlock(StageContext context, DecodeBrowserEventOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        DecodeBrowserEventOptions o = (options ?? new()).Validated();
        StageCounters counters = context.Counters.ForStage(Name);
        return new TransformBlock<EventBatch, EventBatch>(batch => Process(batch, counters, o.MaxLevels), context.ParallelBlockOptions());
    }

    internal static EventBatch Process(EventBatch batch, StageCounters counters, int maxLevels)
    {
        int changed = 0;
        int undecodable = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            if (!batch.TryGetField(i, s_event, out FieldValue value) || value.Kind != JsonTokenType.String || value.Utf8.IsEmpty)
            {
                continue;
            }

            ReadOnlySpan<byte> line = batch.GetUtf8(i);
            if (!TryDecode(value.RawJson, maxLevels, out ReadOnlySpan<byte> decoded))
            {
                undecodable++;
                continue;
            }

            line.Overlaps(value.RawJson, out int offset);
            Utf8JsonBuilder output = Utf8JsonBuilder.ForThread(0);
            output.Append(line[..offset]);
            output.Append(decoded);
            output.Append(line[(offset + value.RawJson.Length)..]);

            // The new layout is the old one with the event's value resized and what follows it shifted: no need
            // for the batch to parse the rewritten line again (the decoded text was validated by TryDecode).
            ReadOnlySpan<TopField> old = batch.GetTopFields(i, out _);
            TopField[] shifted = s_fields ??= new TopField[32];
            if (shifted.Length < old.Length)
            {
                shifted = s_fields = new TopField[old.Length * 2];
            }

            int delta = decoded.Length - value.RawJson.Length;
            JsonTokenType decodedKind = decoded[0] == (byte)'{' ? JsonTokenType.StartObject : JsonTokenType.StartArray;
            for (int f = 0; f < old.Length; f++)
            {
                TopField field = old[f];
                if (field.ValueOffset == offset)
                {
                    field.ValueLength = decoded.Length;
                    field.Kind = decodedKind;
                    field.ValueEscaped = false;
                }
                else if (field.ValueOffset > offset)
                {
                    field.KeyOffset += delta;
                    field.ValueOffset += delta;
                }

                shifted[f] = field;
            }

            batch.SetUtf8Indexed(i, output.Written, shifted.AsSpan(0, old.Length));
            changed++;
        }

        counters.Add(batch.Count, batch.Count, changed);
        counters.AddFact(UndecodableFact, undecodable);
        return batch;
    }

    /// <summary>
    /// Decodes a quoted JSON string token whose text encodes an object or array (possibly through more string
    /// levels). The result lives in a per-thread scratch buffer until the next call on the thread.
    /// </summary>
    internal static bool TryDecode(ReadOnlySpan<byte> quotedString, int maxLevels, out ReadOnlySpan<byte> decoded)
    {
        byte[] a = s_scratchA ??= new byte[4096];
        byte[] b = s_scratchB ??= new byte[4096];
        ReadOnlySpan<byte> current = quotedString;
        decoded = default;
        bool ok = false;
        for (int level = 0; level < maxLevels; level++)
        {
            ReadOnlySpan<byte> text = current[1..^1];
            if (text.IndexOf((byte)'\\') >= 0)
            {
                ref byte[] target = ref (level % 2 == 0 ? ref a : ref b);
                if (target.Length < text.Length)
                {
                    target = new byte[Math.Max(text.Length, target.Length * 2)];
                }

                text = target.AsSpan(0, JsonBytes.Unescape(text, target));
            }

            text = text.Trim(" \t\r\n"u8);
            if (text.IsEmpty || text[0] is not ((byte)'{' or (byte)'[' or (byte)'"') || !JsonBytes.IsSingleValue(text, out JsonTokenType kind))
            {
                break;
            }

            if (kind is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                decoded = text;
                ok = true;
                break;
            }

            current = text; // a JSON string again: one more level
        }

        s_scratchA = a;
        s_scratchB = b;
        return ok;
    }
}
