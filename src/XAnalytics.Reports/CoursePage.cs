namespace XAnalytics.Reports;

/// <summary>The headline numbers of one course's page (<c>courses/*.html</c>), for a course team.</summary>
/// <param name="CourseId">The course.</param>
/// <param name="File">The page, relative to the report's folder.</param>
/// <param name="Learners">Distinct learners with any activity (edX's user-activity ACTIVE: not task or enrollment events).</param>
/// <param name="LastWeek">The Monday of the last ISO week of the report (of <c>--to</c>, else of the last day of data).</param>
/// <param name="ActiveLastWeek">Distinct learners active in that week.</param>
/// <param name="Enrolled">Learners whose last enrollment event in these logs is an activation.</param>
/// <param name="ForumPosts">Threads created (<c>edx.forum.thread.created</c>).</param>
/// <param name="ForumResponses">Responses created (<c>edx.forum.response.created</c>).</param>
/// <param name="ForumComments">Comments created (<c>edx.forum.comment.created</c>).</param>
/// <param name="ForumVotes">Votes (<c>edx.forum.*.voted</c>).</param>
public sealed record CoursePage(
    string CourseId, string File, long Learners, DateOnly LastWeek, long ActiveLastWeek, long Enrolled,
    long ForumPosts, long ForumResponses, long ForumComments, long ForumVotes);
