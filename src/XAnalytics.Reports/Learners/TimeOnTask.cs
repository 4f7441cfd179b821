using System.Runtime.InteropServices;

namespace XAnalytics.Reports.Learners;

/// <summary>
/// Time on task in ticks, by edx2bigquery's kinds (total, video, problem, forum, text), for one timeout.
/// </summary>
[StructLayout(LayoutKind.Auto)]
public struct TimeOnTask : IEquatable<TimeOnTask>
{
    /// <summary>All events.</summary>
    public long Total;

    /// <summary>Gaps between consecutive video events.</summary>
    public long Video;

    /// <summary>Gaps between consecutive problem events.</summary>
    public long Problem;

    /// <summary>Gaps between consecutive forum events.</summary>
    public long Forum;

    /// <summary>Gaps between consecutive textbook or wiki events.</summary>
    public long Text;

    /// <summary>Adds <paramref name="other"/> kind by kind.</summary>
    public void Add(in TimeOnTask other)
    {
        Total += other.Total;
        Video += other.Video;
        Problem += other.Problem;
        Forum += other.Forum;
        Text += other.Text;
    }

    /// <inheritdoc/>
    public readonly bool Equals(TimeOnTask other)
        => Total == other.Total && Video == other.Video && Problem == other.Problem && Forum == other.Forum && Text == other.Text;

    /// <inheritdoc/>
    public override readonly bool Equals(object? obj) => obj is TimeOnTask other && Equals(other);

    /// <inheritdoc/>
    public override readonly int GetHashCode() => HashCode.Combine(Total, Video, Problem, Forum, Text);

    /// <summary>Equal kind by kind.</summary>
    public static bool operator ==(TimeOnTask left, TimeOnTask right) => left.Equals(right);

    /// <summary>Different in some kind.</summary>
    public static bool operator !=(TimeOnTask left, TimeOnTask right) => !left.Equals(right);
}
