using System.Buffers;
using System.Text.Json;
using XAnalytics.Events;

namespace XAnalytics.Learners;

/// <summary>
/// The two fields learners are gathered by, read as <see cref="LearnerGroup"/> defines them: the learner key's text
/// (unescaped; empty when missing or null) and <c>time</c> as UTC ticks (<see cref="long.MaxValue"/> when missing or
/// unreadable, so those come last).
/// </summary>
internal static class LearnerFields
{
    private static readonly FieldPath s_time = FieldPath.Parse("time");

    /// <summary>Writes event <paramref name="index"/>'s learner key text to <paramref name="output"/> (cleared first).</summary>
    public static void ReadLearner(EventBatch batch, int index, FieldPath learnerKey, ArrayBufferWriter<byte> output)
    {
        output.ResetWrittenCount();
        if (batch.TryGetField(index, learnerKey, out FieldValue value) && !value.IsNull)
        {
            output.Advance(value.CopyTo(output.GetSpan(value.RawJson.Length)));
        }
    }

    /// <summary>Event <paramref name="index"/>'s time as UTC ticks, or <see cref="long.MaxValue"/>.</summary>
    public static long ReadTicks(EventBatch batch, int index)
        => batch.TryGetField(index, s_time, out FieldValue time) && time.Kind == JsonTokenType.String
            && Utf8Time.TryParseUtcTicks(time.Utf8, out long ticks) ? ticks : long.MaxValue;
}
