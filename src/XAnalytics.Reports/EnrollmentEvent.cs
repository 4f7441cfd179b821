using System.Runtime.InteropServices;

namespace XAnalytics.Reports;

/// <summary>
/// One enrollment event of a learner in a course, as edX's <c>EnrollmentEvent</c> keeps it
/// (<c>edx/analytics/tasks/insights/enrollments.py</c>): time, type and mode (hashed: only compared).
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct EnrollmentEvent(long Ticks, EnrollmentChange Change, ulong Mode) : IComparable<EnrollmentEvent>
{
    /// <summary>
    /// edX sorts each learner's <c>(timestamp, event_type, mode)</c> tuples: by time, then by type name (activated,
    /// deactivated, mode_changed: the enum's order), then by mode (here its hash: equal modes stay together).
    /// </summary>
    public int CompareTo(EnrollmentEvent other)
    {
        int c = Ticks.CompareTo(other.Ticks);
        if (c == 0)
        {
            c = Change.CompareTo(other.Change);
        }

        return c != 0 ? c : Mode.CompareTo(other.Mode);
    }
}
