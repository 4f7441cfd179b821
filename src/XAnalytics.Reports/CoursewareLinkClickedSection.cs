using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// <c>courseware_link_clicked.csv</c>: per course and day, the links learners clicked in the courseware and how many
/// led off the site, as edX's <c>LMSCoursewareLinkClickedTask</c> (<c>edx/analytics/tasks/warehouse/lms_courseware_link_clicked.py</c>,
/// removed from edx-analytics-pipeline in commit fd6069b0, "Remove the unused lms_courseware_link_clicked task")
/// computed it: <c>mapper</c> keeps <c>edx.ui.lms.link_clicked</c> events (any source) whose course is a valid
/// <c>context.course_id</c> (<c>get_course_id(event)</c>, without the URL fallback) and whose <c>event.target_url</c> and
/// <c>event.current_url</c> are non-empty; a click is external when the two URLs' hosts (Python 2's
/// <c>urlparse(url).netloc</c>) differ and the target's is not empty (a relative link is internal); <c>reducer</c> counts
/// both per course and day.
/// </summary>
public sealed class CoursewareLinkClickedSection : IPartialAggregate<CoursewareLinkClickedPartial>, IReportSection
{
    /// <summary>The section's name for <c>--only</c>.</summary>
    public const string SectionName = "courseware_link_clicked";

    private static readonly FieldPath s_contextCourse = FieldPath.Parse("context.course_id");
    private static readonly FieldPath s_target = FieldPath.Parse("event.target_url");
    private static readonly FieldPath s_current = FieldPath.Parse("event.current_url");

    private readonly EventFacts _facts;

    internal CoursewareLinkClickedSection(EventFacts facts)
    {
        _facts = facts;
        Part = AggregatePart.Of(this);
    }

    /// <summary>The rows, by course and date; null until the run has ended.</summary>
    public IReadOnlyList<CoursewareLinkClickedRow>? Rows { get; private set; }

    string IReportSection.Name => SectionName;

    IReadOnlyList<string> IReportSection.Files { get; } = ["courseware_link_clicked.csv", "courseware_link_clicked.parquet"];

    internal IAggregatePart Part { get; }

    IAggregatePart IReportSection.Part => Part;

    /// <inheritdoc/>
    public CoursewareLinkClickedPartial CreatePartial() => new();

    /// <inheritdoc/>
    public void Accumulate(CoursewareLinkClickedPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(batch);
        ReadOnlySpan<EventFact> facts = _facts.Read(batch);
        for (int i = 0; i < facts.Length; i++)
        {
            ref readonly EventFact f = ref facts[i];
            if (!f.Kept || f.Family != EventFamily.Navigation || f.Course < 0
                || f.Type != KnownEventType.LinkClicked
                || !batch.TryGetField(i, s_contextCourse, out FieldValue course) || course.Kind != JsonTokenType.String
                || !CourseKey.TryParse(EdxValues.StrippedString(course), out _))
            {
                continue;
            }

            // The target is copied out before the current URL is read (a value read through a JSON string lives in a
            // per-thread buffer until the next read).
            if (!batch.TryGetField(i, s_target, out FieldValue targetUrl) || targetUrl.Kind != JsonTokenType.String || targetUrl.Utf8.IsEmpty)
            {
                continue;
            }

            ReadOnlySpan<byte> targetHost = Netloc(Unescaped(targetUrl, target.TargetBuffer, out byte[] a));
            target.TargetBuffer = a;
            if (!batch.TryGetField(i, s_current, out FieldValue currentUrl) || currentUrl.Kind != JsonTokenType.String || currentUrl.Utf8.IsEmpty)
            {
                continue;
            }

            ReadOnlySpan<byte> currentHost = Netloc(Unescaped(currentUrl, target.CurrentBuffer, out byte[] b));
            target.CurrentBuffer = b;
            bool external = !targetHost.IsEmpty && !currentHost.SequenceEqual(targetHost);
            ref (long External, long All) c = ref CollectionsMarshal.GetValueRefOrAddDefault(target.Clicks, (f.Course, f.Day), out _);
            c.External += external ? 1 : 0;
            c.All++;
        }
    }

    /// <inheritdoc/>
    public void Merge(CoursewareLinkClickedPartial into, CoursewareLinkClickedPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        foreach (KeyValuePair<(int, int), (long External, long All)> kv in from.Clicks)
        {
            ref (long External, long All) c = ref CollectionsMarshal.GetValueRefOrAddDefault(into.Clicks, kv.Key, out _);
            c.External += kv.Value.External;
            c.All += kv.Value.All;
        }
    }

    /// <inheritdoc/>
    public void Complete(CoursewareLinkClickedPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rows = new List<CoursewareLinkClickedRow>(result.Clicks.Count);
        foreach (KeyValuePair<(int Course, int Day), (long External, long All)> kv in result.Clicks)
        {
            rows.Add(new CoursewareLinkClickedRow(_facts.Courses.Name(kv.Key.Course), DateOnly.FromDayNumber(kv.Key.Day), kv.Value.External, kv.Value.All));
        }

        rows.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.CourseId, b.CourseId);
            return c != 0 ? c : a.EventDate.CompareTo(b.EventDate);
        });
        Rows = rows;
        result.Clicks.Clear();
    }

    /// <inheritdoc/>
    public string StateName => "report.courseware-link-clicked";

    /// <inheritdoc/>
    public int StateVersion => 1;

    /// <inheritdoc/>
    /// <remarks>The courses clicked in (by canonical id), then (course, day, clicks to another host, all clicks) in that order.</remarks>
    public void WritePartial(CoursewareLinkClickedPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        var used = new HashSet<int>();
        foreach ((int course, _) in state.Clicks.Keys)
        {
            used.Add(course);
        }

        int[] courses = _facts.Courses.WriteSorted(writer, used);
        var entries = new List<(int Course, int Day, long External, long All)>(state.Clicks.Count);
        foreach (KeyValuePair<(int Course, int Day), (long External, long All)> kv in state.Clicks)
        {
            entries.Add((courses[kv.Key.Course], kv.Key.Day, kv.Value.External, kv.Value.All));
        }

        entries.Sort();
        writer.WriteUInt((ulong)entries.Count);
        foreach ((int course, int day, long external, long all) in entries)
        {
            writer.WriteUInt((ulong)course);
            writer.WriteInt(day);
            writer.WriteUInt((ulong)external);
            writer.WriteUInt((ulong)all);
        }
    }

    /// <inheritdoc/>
    public CoursewareLinkClickedPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int[] courses = _facts.Courses.ReadMap(reader);
        var partial = new CoursewareLinkClickedPartial();
        int n = reader.ReadCount();
        for (int i = 0; i < n; i++)
        {
            int course = CourseTable.Remap(courses, reader.ReadCount(), reader);
            int day = (int)reader.ReadInt();
            ref (long External, long All) c = ref CollectionsMarshal.GetValueRefOrAddDefault(partial.Clicks, (course, day), out _);
            c.External += (long)reader.ReadUInt();
            c.All += (long)reader.ReadUInt();
        }

        return partial;
    }

    void IReportSection.Write(string directory, List<string> written, ReportFormat format)
    {
        using var table = new ReportTable(directory, "courseware_link_clicked", format, ReportTable.Text("course_id"), ReportTable.Day("event_date"),
            ReportTable.Count("external_link_clicked_events"), ReportTable.Count("link_clicked_events"));
        foreach (CoursewareLinkClickedRow r in Rows ?? [])
        {
            table.Add(r.CourseId).Add(r.EventDate).Add(r.ExternalLinkClickedEvents).Add(r.LinkClickedEvents).EndRow();
        }

        table.Complete();
        written.Add(table.FileName);
    }

    void IReportSection.AppendHtml(StringBuilder html)
    {
        IReadOnlyList<CoursewareLinkClickedRow> rows = Rows ?? [];
        html.Append("<h2>Courseware links clicked</h2>\n<p class=\"note\">Links clicked in the courseware per course and day, and those to another site "
            + "(edX's lms_courseware_link_clicked task). <a href=\"courseware_link_clicked.csv\">courseware_link_clicked.csv</a></p>\n");
        ReportWriter.Table(html, ["course", "date", "external", "all"], rows.Count, i =>
        {
            CoursewareLinkClickedRow r = rows[i];
            return [r.CourseId, CsvTable.Date(r.EventDate), ReportWriter.N(r.ExternalLinkClickedEvents), ReportWriter.N(r.LinkClickedEvents)];
        }, numeric: [2, 3]);
    }

    /// <summary>
    /// Python 2's <c>urlparse.urlsplit(url).netloc</c>: after a scheme (letters, digits, <c>+-.</c> before the first
    /// colon, and not a bare port number after it; <c>http</c> always), a <c>//</c> starts the host, which runs to the
    /// first <c>/</c>, <c>?</c> or <c>#</c>. A URL without <c>//</c> there has no host.
    /// </summary>
    internal static ReadOnlySpan<byte> Netloc(ReadOnlySpan<byte> url)
    {
        int colon = url.IndexOf((byte)':');
        if (colon > 0)
        {
            ReadOnlySpan<byte> scheme = url[..colon];
            if (scheme.SequenceEqual("http"u8))
            {
                url = url[(colon + 1)..];
            }
            else if (IsSchemeChars(scheme))
            {
                ReadOnlySpan<byte> rest = url[(colon + 1)..];
                if (rest.IsEmpty || rest.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
                {
                    url = rest;
                }
            }
        }

        if (!url.StartsWith("//"u8))
        {
            return default;
        }

        ReadOnlySpan<byte> afterSlashes = url[2..];
        int end = afterSlashes.IndexOfAny("/?#"u8);
        return end < 0 ? afterSlashes : afterSlashes[..end];
    }

    /// <summary>A string's text, unescaped into <paramref name="buffer"/> (replaced by a larger one, returned in <paramref name="used"/>, when short).</summary>
    private static ReadOnlySpan<byte> Unescaped(in FieldValue value, byte[] buffer, out byte[] used)
    {
        used = buffer.Length >= value.RawJson.Length ? buffer : new byte[value.RawJson.Length * 2];
        return used.AsSpan(0, value.CopyTo(used));
    }

    private static bool IsSchemeChars(ReadOnlySpan<byte> scheme)
    {
        foreach (byte b in scheme)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'+' or (byte)'-' or (byte)'.'))
            {
                return false;
            }
        }

        return true;
    }
}
