using System.Runtime.InteropServices;

namespace XAnalytics.Reports;

/// <summary>
/// What <see cref="VideoSection"/> keeps of one video event that passed edX's mapper checks (its video is the key of
/// the list holding it): the learner and the values edX's reducer reads, 40 bytes instead of the event.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct VideoEventRecord(
    long User, long Ticks, VideoEventKind Kind, double CurrentTime, double OldTime, double Duration)
    : IComparable<VideoEventRecord>
{
    /// <summary>
    /// By learner, then as edX's reducer sorts a learner's events (<c>sorted(events)</c> over
    /// <c>(timestamp, event_type, current_time, old_time, youtube_id, video_duration)</c>): time, then the event type's name,
    /// then the offsets, then the duration (a total order: one process and a merge of shards fold the same sequence).
    /// </summary>
    public int CompareTo(VideoEventRecord other)
    {
        int c = User.CompareTo(other.User);
        c = c != 0 ? c : Ticks.CompareTo(other.Ticks);
        c = c != 0 ? c : ((byte)Kind).CompareTo((byte)other.Kind);
        c = c != 0 ? c : CurrentTime.CompareTo(other.CurrentTime);
        c = c != 0 ? c : OldTime.CompareTo(other.OldTime);
        return c != 0 ? c : Duration.CompareTo(other.Duration);
    }
}
