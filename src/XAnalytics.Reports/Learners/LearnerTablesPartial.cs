namespace XAnalytics.Reports.Learners;

/// <summary>One worker's share of the learner tables: its learners' rows, and the chapters their courses showed.</summary>
public sealed class LearnerTablesPartial
{
    internal List<SessionDraft> Sessions { get; } = [];

    internal List<DayDraft> Days { get; } = [];

    internal List<PersonDraft> People { get; } = [];

    /// <summary>Chapters seen per course, as (course number, XxHash3 of the chapter's URL segment).</summary>
    internal HashSet<(int Course, ulong Chapter)> CourseChapters { get; } = [];

    /// <summary>Per-course state of the learner being folded, reused from learner to learner.</summary>
    internal List<CourseState> States { get; } = [];

    internal int ActiveStates { get; set; }

    /// <summary>The learner being folded (empty: the events without one).</summary>
    internal string Folding { get; set; } = string.Empty;

    /// <summary>The learner's last event with an address so far, when <see cref="HasLastIp"/>.</summary>
    internal LearnerEvent LastIp { get; set; }

    internal bool HasLastIp { get; set; }

    internal long Learners { get; set; }

    internal long NoLearnerEvents { get; set; }

    internal long NoCourseEvents { get; set; }

    internal long LeftOutEvents { get; set; }

    internal long XBlockEvents { get; set; }

    internal void MergeFrom(LearnerTablesPartial from)
    {
        Sessions.AddRange(from.Sessions);
        Days.AddRange(from.Days);
        People.AddRange(from.People);
        CourseChapters.UnionWith(from.CourseChapters);
        Learners += from.Learners;
        NoLearnerEvents += from.NoLearnerEvents;
        NoCourseEvents += from.NoCourseEvents;
        LeftOutEvents += from.LeftOutEvents;
        XBlockEvents += from.XBlockEvents;
    }
}
