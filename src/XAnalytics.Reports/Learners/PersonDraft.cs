namespace XAnalytics.Reports.Learners;

/// <summary>A person-course row before course names and course chapter counts are settled.</summary>
internal sealed record PersonDraft(int Course, PersonCourseRow Row);
