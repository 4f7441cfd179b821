using System.Text.Json;
using XAnalytics.Events;

namespace XAnalytics.Learners;

/// <summary>
/// One learner's events, in time order (then input order), handed to an <see cref="ILearnerAnalysis{TPartial}"/>.
/// Valid only during the call that receives it: its batch goes back to the pool afterwards.
/// </summary>
public sealed class LearnerGroup
{
    private static readonly FieldPath s_time = FieldPath.Parse("time");
    private readonly long[] _ticks;

    internal LearnerGroup(string learner, EventBatch events)
    {
        Learner = learner;
        Events = events;
        _ticks = new long[events.Count];

        for (int i = 0; i < events.Count; i++)
        {
            _ticks[i] = events.TryGetField(i, s_time, out FieldValue time) && time.Kind == JsonTokenType.String
                && Utf8Time.TryParseUtcTicks(time.Utf8, out long ticks) ? ticks : long.MaxValue;
        }
    }

    /// <summary>The learner key as text (the sort key's first field); empty for events without one, grouped together.</summary>
    public string Learner { get; }

    /// <summary>The learner's events, parsed: read any field with <see cref="EventBatch.TryGetField"/>.</summary>
    public EventBatch Events { get; }

    /// <summary>Events of the learner.</summary>
    public int Count => Events.Count;

    /// <summary>Event <paramref name="index"/>'s <c>time</c> as UTC ticks; <see cref="long.MaxValue"/> when missing or unreadable (those come last).</summary>
    public long GetTimeTicks(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return _ticks[index];
    }
}
