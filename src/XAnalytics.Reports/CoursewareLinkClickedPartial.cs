namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="CoursewareLinkClickedSection"/>: one per worker thread.</summary>
public sealed class CoursewareLinkClickedPartial
{
    internal CoursewareLinkClickedPartial()
    {
    }

    /// <summary>Per course and day: clicks to another host, and all clicks.</summary>
    internal Dictionary<(int Course, int Day), (long External, long All)> Clicks { get; } = [];

    /// <summary>The clicked link's URL, unescaped.</summary>
    internal byte[] TargetBuffer { get; set; } = new byte[256];

    /// <summary>The page's URL, unescaped.</summary>
    internal byte[] CurrentBuffer { get; set; } = new byte[256];
}
