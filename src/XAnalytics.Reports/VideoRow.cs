namespace XAnalytics.Reports;

/// <summary>One row of <c>video.csv</c>: edX's <c>video</c> table (<c>VideoSegmentSummaryRecord</c> in <c>video.py</c>).</summary>
/// <param name="PipelineVideoId"><c>course_id|encoded_module_id</c>.</param>
/// <param name="CourseId">The course, as edX writes it.</param>
/// <param name="EncodedModuleId">The video's <c>event.id</c>, stripped.</param>
/// <param name="Duration">Seconds: the longest duration the viewings' play events gave, or inferred from the drop-off when any was unknown.</param>
/// <param name="SegmentLength">Seconds per segment (5).</param>
/// <param name="UsersAtStart">Learners who watched segment 0.</param>
/// <param name="UsersAtEnd">Learners who watched the segment holding the "complete" point (the later of duration - 30 s and 95% of it).</param>
/// <param name="TotalViewedSeconds">Views summed over the segments written, times the segment length.</param>
public sealed record VideoRow(
    string PipelineVideoId, string CourseId, string EncodedModuleId, long Duration, int SegmentLength, long UsersAtStart, long UsersAtEnd, long TotalViewedSeconds);
