using System.Runtime.InteropServices;
using XAnalytics.Events;

namespace XAnalytics.Reports;

/// <summary>What the reports need to know of one event, read once from its bytes.</summary>
[StructLayout(LayoutKind.Auto)]
internal struct EventFact
{
    /// <summary>False when the event has no usable time or the report filter drops it: every report skips it.</summary>
    public bool Kept;

    /// <summary>Course id (see <see cref="CourseTable"/>), or -1 when the event names none.</summary>
    public int Course;

    /// <summary>True when <see cref="Course"/> is the event's own <c>context.course_id</c> (not found in a URL), as edX's <c>eventlog.get_course_id</c> reads it.</summary>
    public bool CourseInContext;

    /// <summary>
    /// True when the event's <c>context.course_id</c> is a non-blank string that is no valid course key (a usage key, a
    /// malformed id): edX's <c>eventlog.get_course_id</c> gives no course then, not even from the URL.
    /// </summary>
    public bool ContextCourseInvalid;

    /// <summary><c>context.user_id</c> as a number (a non-numeric id is hashed, see <see cref="EventFacts"/>); 0 when absent.</summary>
    public long User;

    /// <summary>UTC date as <see cref="DateOnly.DayNumber"/>.</summary>
    public int Day;

    /// <summary>UTC time in ticks.</summary>
    public long Ticks;

    public EventFamily Family;

    public ActivityLabels Labels;

    public EnrollmentChange Enrollment;

    /// <summary>The type, when it is one edX's analyses select on (compared unescaped); <see cref="KnownEventType.Other"/> otherwise.</summary>
    public KnownEventType Type;

    /// <summary>The <c>event_type</c> string is written with escapes (then it never equals a name byte for byte).</summary>
    public bool TypeEscaped;

    /// <summary><c>event_source</c> is the string <c>server</c> (compared unescaped).</summary>
    public bool ServerSource;

    /// <summary>The <c>event_source</c> string is written with escapes.</summary>
    public bool SourceEscaped;

    /// <summary>Where the top-level <c>username</c> string's bytes (as written, escapes and all) stand in the event's line; -1 when it is absent or not a string, <see cref="EventFacts.NotInLine"/> when its bytes are elsewhere (see <see cref="EventFacts.Username"/>).</summary>
    public int NameOffset;

    public int NameLength;

    /// <summary>The <c>username</c> is written with escapes.</summary>
    public bool NameEscaped;

    /// <summary>Where the <c>event_type</c> string's bytes (as written) stand in the event's line; -1 when it is absent or not a string, <see cref="EventFacts.NotInLine"/> when its bytes are elsewhere (see <see cref="EventFacts.TypeBytes"/>).</summary>
    public int TypeOffset;

    public int TypeLength;

    /// <summary>Where the <c>ip</c> string's bytes stand in the event's line; length 0 when blank or absent.</summary>
    public int IpOffset;

    public int IpLength;

    /// <summary>
    /// Where the top-level <c>event</c> field stands in the event's field index (<see cref="EventBatch.GetTopFields"/>,
    /// the last of repeated ones, as <see cref="EventBatch.FindTopField"/> finds it), or -1 when the event has none: the
    /// sections that open the payload or check it is data start from there instead of looking the key up again.
    /// </summary>
    public int EventField;
}
