namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="EnrollmentSection"/>: one per worker thread.</summary>
public sealed class EnrollmentPartial
{
    internal EnrollmentPartial()
    {
    }

    /// <summary>Each learner's enrollment events per course (the mode as the hash of its text), in arrival order.</summary>
    internal Dictionary<(int Course, long User), List<EnrollmentEvent>> Events { get; } = [];

    /// <summary>The text of each mode hash met.</summary>
    internal Dictionary<ulong, string> Modes { get; } = [];

    /// <summary>The last UTC day of any event kept by the report (<see cref="int.MinValue"/> before the first).</summary>
    internal int LastDay { get; set; } = int.MinValue;
}
