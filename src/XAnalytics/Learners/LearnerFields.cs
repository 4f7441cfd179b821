using System.Buffers;
using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Formats;

namespace XAnalytics.Learners;

/// <summary>
/// The two fields learners are gathered by, read as <see cref="LearnerGroup"/> defines them: the learner key's text
/// (unescaped; empty when missing or null) and <c>time</c> as UTC ticks (<see cref="long.MaxValue"/> when missing or
/// unreadable, so those come last).
/// </summary>
internal static class LearnerFields
{
    private static readonly FieldPath s_time = FieldPath.Parse("time");

    /// <summary>
    /// Writes event <paramref name="index"/>'s learner key text to <paramref name="learner"/> (cleared first) and
    /// returns its time as UTC ticks, or <see cref="long.MaxValue"/>. A top-level key is found with the time in one
    /// sweep over the event's fields (last duplicate wins, as in <see cref="EventBatch.TryGetField"/>); an escaped
    /// key, or a deeper path, takes the lookups.
    /// </summary>
    public static long Read(EventBatch batch, int index, FieldPath learnerKey, ArrayBufferWriter<byte> learner)
    {
        learner.ResetWrittenCount();
        FieldValue key = default, time = default;
        bool hasKey = false, hasTime = false;
        byte[][] segments = learnerKey.Utf8Segments;
        bool sweep = segments.Length == 1 && learnerKey.Kind == FieldPathKind.Json;
        if (sweep)
        {
            ReadOnlySpan<byte> name = segments[0];
            ReadOnlySpan<TopField> fields = batch.GetTopFields(index, out ReadOnlySpan<byte> json);
            foreach (ref readonly TopField f in fields)
            {
                if (f.KeyEscaped)
                {
                    sweep = false;
                    break;
                }

                // The lengths first: most keys differ in length from both (2.8% of the run's CPU comparing every key).
                ReadOnlySpan<byte> k = json.Slice(f.KeyOffset, f.KeyLength);
                if (f.KeyLength == name.Length && k.SequenceEqual(name))
                {
                    key = new FieldValue(json.Slice(f.ValueOffset, f.ValueLength), f.Kind, f.ValueEscaped);
                    hasKey = true;
                }
                else if (f.KeyLength == 4 && k.SequenceEqual("time"u8))
                {
                    time = new FieldValue(json.Slice(f.ValueOffset, f.ValueLength), f.Kind, f.ValueEscaped);
                    hasTime = true;
                }
            }
        }

        if (!sweep)
        {
            hasKey = batch.TryGetField(index, learnerKey, out key);
            hasTime = batch.TryGetField(index, s_time, out time);
        }

        if (hasKey && !key.IsNull)
        {
            learner.Advance(key.CopyTo(learner.GetSpan(key.RawJson.Length)));
        }

        return hasTime && time.Kind == JsonTokenType.String && Utf8Time.TryParseUtcTicks(time.Utf8, out long ticks) ? ticks : long.MaxValue;
    }
}
