using System.Text;

namespace XAnalytics.Reports;

/// <summary>
/// The YouTube ids of a run's plays (edX's <c>youtube_id</c>: a <c>play_video</c>'s <c>code</c> when it is not
/// <c>html5</c>, <c>mobile</c> or <c>hls</c>), numbered from 1 for the whole section (0: none), so that a
/// <see cref="VideoEventRecord"/> carries one in the padding it already had. edX's reducer sorts a learner's events by
/// <c>(timestamp, event_type, current_time, old_time, youtube_id, video_duration)</c>: two plays at one instant and
/// offset are ordered by their ids' UTF-8 bytes, no id first (Python 2's None before any string).
/// </summary>
/// <remarks>
/// Shared by the section's partials (worker threads): each partial keeps the numbers it has looked up by the id's
/// 64-bit hash (the key every table of the section trusts), so the lock is taken once per distinct id and thread.
/// </remarks>
internal sealed class VideoCodes
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, int> _numbers = [];
    private readonly List<byte[]> _codes = [[]]; // number 0: none

    /// <summary>The number of <paramref name="utf8"/>, given when new.</summary>
    public int Add(ReadOnlySpan<byte> utf8)
    {
        ulong hash = EdxValues.Hash(utf8);
        lock (_lock)
        {
            if (!_numbers.TryGetValue(hash, out int number))
            {
                number = _codes.Count;
                _codes.Add(utf8.ToArray());
                _numbers.Add(hash, number);
            }

            return number;
        }
    }

    /// <summary>The UTF-8 bytes of id <paramref name="number"/> (empty for 0).</summary>
    public ReadOnlySpan<byte> this[int number]
    {
        get
        {
            lock (_lock)
            {
                return _codes[number];
            }
        }
    }

    /// <summary>The id <paramref name="number"/> as text (for the partial layout).</summary>
    public string GetString(int number) => Encoding.UTF8.GetString(this[number]);

    /// <summary>edX's order of two plays' ids: none first, then by UTF-8 bytes (Python 2 compares the encoded ids).</summary>
    public int Compare(int x, int y)
    {
        if (x == y)
        {
            return 0;
        }

        if (x == 0 || y == 0)
        {
            return x == 0 ? -1 : 1;
        }

        return this[x].SequenceCompareTo(this[y]);
    }
}
