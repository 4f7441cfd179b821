using System.Runtime.InteropServices;

namespace XAnalytics.Reports;

/// <summary>
/// What <see cref="VideoSection"/> keeps of one video event that passed edX's mapper checks (its video is the key of
/// the list holding it): the learner and the values edX's reducer reads, 48 bytes instead of the event.
/// </summary>
/// <param name="User">The learner (<c>context.user_id</c>, see <see cref="EventFact.User"/>).</param>
/// <param name="Ticks">The event's time (UTC ticks).</param>
/// <param name="Kind">Play, pause, seek or stop.</param>
/// <param name="CurrentTime">The offset the event gives (a seek's <c>new_time</c>).</param>
/// <param name="OldTime">A seek's <c>old_time</c>; 0 for the others.</param>
/// <param name="Duration"><c>event.duration</c> as logged, or -1 (unknown).</param>
/// <param name="YouTube">A play's YouTube id (<see cref="VideoCodes"/>), 0 for none.</param>
/// <param name="DurationIsFloat">
/// Whether the duration was logged as a float (with a fraction or exponent): edX's next job reads it back through
/// Python 2's <c>str</c> (<see cref="PythonFloats.ThroughStr"/>); an integer passes exactly.
/// </param>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct VideoEventRecord(
    long User, long Ticks, VideoEventKind Kind, double CurrentTime, double OldTime, double Duration, int YouTube = 0, bool DurationIsFloat = false)
{
    /// <summary>
    /// By learner, then as edX's reducer sorts a learner's events (<c>sorted(events)</c> over
    /// <c>(timestamp, event_type, current_time, old_time, youtube_id, video_duration)</c>): time, then the event type's name,
    /// then the offsets, the YouTube id (by <paramref name="codes"/>' bytes), then the duration. Last, an integer duration
    /// before an equal float one, and -0.0 before 0.0 (equal to Python, which keeps them as they came): a total order, so
    /// one process and a merge of shards fold the same sequence and write the same bytes.
    /// </summary>
    public int CompareTo(in VideoEventRecord other, VideoCodes codes)
    {
        int c = User.CompareTo(other.User);
        c = c != 0 ? c : Ticks.CompareTo(other.Ticks);
        c = c != 0 ? c : ((byte)Kind).CompareTo((byte)other.Kind);
        c = c != 0 ? c : CurrentTime.CompareTo(other.CurrentTime);
        c = c != 0 ? c : OldTime.CompareTo(other.OldTime);
        c = c != 0 ? c : codes.Compare(YouTube, other.YouTube);
        c = c != 0 ? c : Duration.CompareTo(other.Duration);
        c = c != 0 ? c : DurationIsFloat.CompareTo(other.DurationIsFloat);

        // -0.0 and 0.0 are equal to Python and here; their bits order them, so a partial's bytes do not depend on threads.
        c = c != 0 ? c : BitConverter.DoubleToInt64Bits(CurrentTime).CompareTo(BitConverter.DoubleToInt64Bits(other.CurrentTime));
        c = c != 0 ? c : BitConverter.DoubleToInt64Bits(OldTime).CompareTo(BitConverter.DoubleToInt64Bits(other.OldTime));
        return c != 0 ? c : BitConverter.DoubleToInt64Bits(Duration).CompareTo(BitConverter.DoubleToInt64Bits(other.Duration));
    }
}
