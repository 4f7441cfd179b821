namespace XAnalytics.Reports.Learners;

/// <summary>
/// edx2bigquery's event kinds for time on task, from <c>event_type</c>, as its BigQuery SQL reads them
/// (mitodl/edx2bigquery at 8a1efef, <c>edx2bigquery/make_time_on_task.py</c>, <c>process_course_time_on_task</c>; BigQuery's
/// <c>REGEXP_MATCH</c> matches anywhere in the text, and <c>\w</c> is <c>[0-9A-Za-z_]</c>):
/// video <c>\w+_video</c> or <c>\w+_transcript</c>; problem <c>problem_\w+</c>; forum <c>^edx\.forum\.</c> or a type
/// containing <c>/discussion/forum</c>, <c>/discussion/threads</c> or <c>/discussion/comments</c>; text
/// <c>^textbook\.</c> or containing <c>/wiki/</c>. Events whose type contains <c>/xblock/</c> are left out of
/// everything, as edx2bigquery leaves them out.
/// </summary>
[Flags]
internal enum TaskKinds : byte
{
    None = 0,
    Video = 1,
    Problem = 2,
    Forum = 4,
    Text = 8,
}
