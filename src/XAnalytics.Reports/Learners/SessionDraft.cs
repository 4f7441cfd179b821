namespace XAnalytics.Reports.Learners;

/// <summary>A session before course names are settled (they are, once the run has seen every event).</summary>
internal readonly record struct SessionDraft(int Course, string Learner, long StartTicks, long EndTicks, int Events);
