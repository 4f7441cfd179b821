using XAnalytics.Events;

namespace XAnalytics.Reports;

/// <summary>
/// The report's own event filter (dates and courses), applied while the facts of an event are read, so the
/// reports need no extra stage. Private to the reports on purpose: general filter stages live in <c>Stages/</c>.
/// </summary>
internal sealed class ReportFilter
{
    private readonly int _fromDay;
    private readonly int _toDay;
    private readonly CourseKey[] _courses;

    public ReportFilter(DateOnly? from, DateOnly? to, IReadOnlyList<CourseKey> courses)
    {
        _fromDay = from?.DayNumber ?? int.MinValue;
        _toDay = to?.DayNumber ?? int.MaxValue;
        _courses = [.. courses];
    }

    /// <summary>True when the filter keeps every event.</summary>
    public bool IsEmpty => _fromDay == int.MinValue && _toDay == int.MaxValue && _courses.Length == 0;

    /// <summary>Inclusive day range, as <see cref="DateOnly.DayNumber"/>.</summary>
    public bool KeepsDay(int day) => day >= _fromDay && day <= _toDay;

    /// <summary>Without --course, any course (or none); with it, only the named courses (an i4x key's unknown run matches any run).</summary>
    public bool KeepsCourse(bool hasCourse, in CourseKey course)
    {
        if (_courses.Length == 0)
        {
            return true;
        }

        if (!hasCourse)
        {
            return false;
        }

        foreach (CourseKey wanted in _courses)
        {
            if (wanted.Matches(course))
            {
                return true;
            }
        }

        return false;
    }
}
