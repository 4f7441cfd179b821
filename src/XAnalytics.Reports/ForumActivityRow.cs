namespace XAnalytics.Reports;

/// <summary>One row of <c>forum_activity_daily.csv</c> or <c>forum_activity_weekly.csv</c>: the forum columns of edX's <c>student_engagement_{daily,weekly}</c>.</summary>
/// <param name="EndDate">The day (daily) or the last day of the week (weekly).</param>
/// <param name="CourseId">Course id, as edX writes it.</param>
/// <param name="Username">The learner's username, as the events write it (white space around it stripped).</param>
/// <param name="ForumPosts"><c>edx.forum.thread.created</c> events.</param>
/// <param name="ForumResponses"><c>edx.forum.response.created</c> events.</param>
/// <param name="ForumComments"><c>edx.forum.comment.created</c> events.</param>
/// <param name="ForumUpvotesGiven">Up votes given on threads and responses, an undone vote counting -1.</param>
/// <param name="ForumUpvotesReceived">Up votes received (<c>target_username</c> of a vote), an undone vote counting -1.</param>
public sealed record ForumActivityRow(
    DateOnly EndDate, string CourseId, string Username, long ForumPosts, long ForumResponses, long ForumComments, long ForumUpvotesGiven, long ForumUpvotesReceived);
