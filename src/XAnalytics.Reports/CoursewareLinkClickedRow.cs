namespace XAnalytics.Reports;

/// <summary>One row of <c>courseware_link_clicked.csv</c>: edX's <c>lms_courseware_link_clicked_events</c> table.</summary>
/// <param name="CourseId">The course (from <c>context.course_id</c> only, as edX reads it).</param>
/// <param name="EventDate">The event's date.</param>
/// <param name="ExternalLinkClickedEvents">Clicks to another host than the page's.</param>
/// <param name="LinkClickedEvents">All counted clicks.</param>
public sealed record CoursewareLinkClickedRow(string CourseId, DateOnly EventDate, long ExternalLinkClickedEvents, long LinkClickedEvents);
