namespace XAnalytics.Sinks;

/// <summary>How <see cref="EventExportSink"/> splits an archive into files.</summary>
public enum EventExportGrouping
{
    /// <summary>
    /// edX's <c>EventExportTask</c> (<c>edx/analytics/tasks/export/event_exports.py</c>): per organization and day,
    /// <c>ORG/ENV/events/YEAR/ORG-ENV-events-DATE.log.gz</c> (the organization in lower case).
    /// </summary>
    Org,

    /// <summary>
    /// edX's <c>EventExportByCourseTask</c> (<c>edx/analytics/tasks/export/event_exports_by_course.py</c>): per course and
    /// day, <c>COURSE/events/COURSE-events-DATE.log.gz</c> (the course id made file-name safe as edX does).
    /// </summary>
    Course,
}
