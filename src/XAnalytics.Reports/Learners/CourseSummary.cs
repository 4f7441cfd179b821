namespace XAnalytics.Reports.Learners;

/// <summary>A course's line in the learner view.</summary>
internal sealed class CourseSummary(string course)
{
    public string Course { get; } = course;

    public long Learners { get; set; }

    public long Viewed { get; set; }

    public long Explored { get; set; }

    public long Chapters { get; set; }

    public long Sessions { get; set; }

    public long ShortTicks { get; set; }
}
