namespace XAnalytics.Reports.Learners;

/// <summary>A learner's time on task in a course on one UTC day (the day of the later event of each gap).</summary>
/// <param name="CourseId">The course as edX writes it.</param>
/// <param name="Learner">The learner key.</param>
/// <param name="Day">The UTC day.</param>
/// <param name="ShortGaps">Gaps under <see cref="LearnerTablesOptions.ShortTimeout"/> (5 minutes by default).</param>
/// <param name="LongGaps">Gaps under <see cref="LearnerTablesOptions.LongTimeout"/> (30 minutes by default).</param>
public sealed record TimeOnTaskRow(string CourseId, string Learner, DateOnly Day, TimeOnTask ShortGaps, TimeOnTask LongGaps);
