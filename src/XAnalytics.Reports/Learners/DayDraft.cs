namespace XAnalytics.Reports.Learners;

/// <summary>A time-on-task day before course names are settled.</summary>
internal readonly record struct DayDraft(int Course, string Learner, int Day, TimeOnTask ShortGaps, TimeOnTask LongGaps);
