namespace XAnalytics.Reports;

/// <summary>One row of <c>video_timeline.csv</c>: edX's <c>video_timeline</c> table (<c>VideoTimelineRecord</c> in <c>video.py</c>).</summary>
/// <param name="PipelineVideoId"><c>course_id|encoded_module_id</c>.</param>
/// <param name="Segment">The segment's rank (0 is the first 5 seconds).</param>
/// <param name="NumUsers">Distinct learners who watched any part of it.</param>
/// <param name="NumViews">Viewings that covered any part of it.</param>
public sealed record VideoTimelineRow(string PipelineVideoId, int Segment, long NumUsers, long NumViews);
