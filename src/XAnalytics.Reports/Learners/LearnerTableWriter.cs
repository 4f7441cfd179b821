using System.Globalization;
using System.Text;
using XAnalytics.Parquet;

namespace XAnalytics.Reports.Learners;

/// <summary>
/// Writes the learner tables of a finished run into a folder: <c>sessions.csv</c>, <c>time_on_task.csv</c>,
/// <c>person_course.csv</c> (or the same names <c>.parquet</c>: times and dates as the CSV's text, counts <c>INT64</c>,
/// seconds <c>DOUBLE</c>), charts (PNG and SVG in <c>charts/</c>) and an <c>index.html</c> learner view. As
/// <see cref="ReportWriter"/> does, everything is written into a hidden staging folder beside the output folder and
/// published by one rename; an output folder holding anything else is refused rather than replaced.
/// </summary>
public static class LearnerTableWriter
{
    /// <summary>The CSV files, in the order they are written.</summary>
    public static readonly IReadOnlyList<string> CsvFiles = ["sessions.csv", "time_on_task.csv", "person_course.csv"];

    // The tables as Parquet (a folder of an earlier run in either format may be replaced).
    private static readonly string[] s_parquetFiles = ["sessions.parquet", "time_on_task.parquet", "person_course.parquet"];

    private static readonly string[] s_charts = ["time_on_task_per_learner", "sessions_per_learner", "viewed_explored"];

    // Bins of a learner's time on task (all courses, short timeout), in minutes, and of sessions per learner.
    private static readonly (double Upto, string Label)[] s_minutes =
        [(0, "0"), (1, "<1 min"), (5, "1-5 min"), (15, "5-15 min"), (60, "15-60 min"), (180, "1-3 h"), (600, "3-10 h"), (double.MaxValue, "10 h+")];

    private static readonly (double Upto, string Label)[] s_sessions =
        [(1, "1"), (2, "2"), (5, "3-5"), (10, "6-10"), (20, "11-20"), (50, "21-50"), (double.MaxValue, "51+")];

    /// <summary>Writes the tables of <paramref name="tables"/> (after its run has completed) into <paramref name="outputDirectory"/>, as CSV.</summary>
    /// <exception cref="InvalidOperationException">The run has not completed.</exception>
    public static ReportFiles Write(LearnerTables tables, string outputDirectory) => Write(tables, outputDirectory, ReportFormat.Csv);

    /// <summary>
    /// Writes the tables of <paramref name="tables"/> (after its run has completed) into <paramref name="outputDirectory"/>, tables in
    /// <paramref name="format"/> (<c>NAME.csv</c> or <c>NAME.parquet</c>; <c>index.html</c> links the files written).
    /// </summary>
    /// <exception cref="InvalidOperationException">The run has not completed.</exception>
    public static ReportFiles Write(LearnerTables tables, string outputDirectory, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        if (tables.PersonCourse is null)
        {
            throw new InvalidOperationException("The learner tables' run has not completed.");
        }

        return ReportWriter.Publish(
            outputDirectory,
            static entry => entry.Name is "charts" or "index.html" || CsvFiles.Contains(entry.Name) || s_parquetFiles.Contains(entry.Name),
            (dir, written) => WriteAll(tables, dir, written, format),
            () => tables.Notes);
    }

    /// <summary>A time as written in the tables: ISO 8601 UTC with up to 7 decimals of a second.</summary>
    public static string Time(long ticks) => new DateTime(ticks, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Ticks as seconds, with up to 7 decimals.</summary>
    public static string Seconds(long ticks) => (ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture)
        + (ticks % TimeSpan.TicksPerSecond == 0 ? string.Empty
            : "." + (ticks % TimeSpan.TicksPerSecond).ToString("0000000", CultureInfo.InvariantCulture).TrimEnd('0'));

    /// <summary>The time-on-task column names: <c>total_s</c>... for the short timeout, <c>total_s_30</c>... (its minutes) for the long one.</summary>
    public static string[] TimeOnTaskColumns(LearnerTablesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string suffix = "_" + options.LongTimeout.TotalMinutes.ToString(CultureInfo.InvariantCulture);
        string[] kinds = ["total_s", "video_s", "problem_s", "forum_s", "text_s"];
        var names = new string[10];
        for (int i = 0; i < 5; i++)
        {
            names[i] = kinds[i];
            names[i + 5] = kinds[i] + suffix;
        }

        return names;
    }

    private static void WriteAll(LearnerTables tables, string dir, List<string> written, ReportFormat format)
    {
        string[] tot = TimeOnTaskColumns(tables.Options);
        var totColumns = new ParquetColumn[tot.Length];
        for (int i = 0; i < tot.Length; i++)
        {
            totColumns[i] = ReportTable.Real(tot[i]);
        }

        using (var table = new ReportTable(dir, "sessions", format, ReportTable.Text("course_id"), ReportTable.Text("learner"), ReportTable.Time("session_start"),
            ReportTable.Time("session_end"), ReportTable.Count("events"), ReportTable.Real("duration_s")))
        {
            foreach (SessionRow r in tables.Sessions!)
            {
                table.Add(r.CourseId).Add(r.Learner).Add(Time(r.StartTicks)).Add(Time(r.EndTicks)).Add(r.Events);
                AddSeconds(table, r.EndTicks - r.StartTicks).EndRow();
            }

            table.Complete();
            written.Add(table.FileName);
        }

        using (var table = new ReportTable(dir, "time_on_task", format, [ReportTable.Text("course_id"), ReportTable.Text("learner"), ReportTable.Day("date"), .. totColumns]))
        {
            foreach (TimeOnTaskRow r in tables.TimeOnTask!)
            {
                table.Add(r.CourseId).Add(r.Learner).Add(r.Day);
                AddGaps(table, r.ShortGaps, r.LongGaps).EndRow();
            }

            table.Complete();
            written.Add(table.FileName);
        }

        using (var table = new ReportTable(dir, "person_course", format,
            [ReportTable.Text("course_id"), ReportTable.Text("learner"), ReportTable.Count("viewed"), ReportTable.Count("explored"), ReportTable.Count("nevents"),
            ReportTable.Count("ndays_act"), ReportTable.Count("nplay_video"), ReportTable.Count("nchapters"), ReportTable.Count("course_chapters"),
            ReportTable.Count("nforum_posts"), ReportTable.Count("nproblem_check"), ReportTable.Time("first_event"), ReportTable.Time("last_event"),
            ReportTable.Text("country"), ReportTable.Count("nsessions"), ReportTable.Real("session_s"), .. totColumns]))
        {
            foreach (PersonCourseRow r in tables.PersonCourse!)
            {
                table.Add(r.CourseId).Add(r.Learner).Add(r.Viewed ? 1 : 0).Add(r.Explored ? 1 : 0).Add(r.Events).Add(r.DaysActive)
                    .Add(r.PlayVideo).Add(r.Chapters).Add(r.CourseChapters).Add(r.ForumPosts)
                    .Add(r.ProblemCheck).Add(Time(r.FirstEventTicks)).Add(Time(r.LastEventTicks)).Add(r.Country).Add(r.Sessions);
                AddGaps(AddSeconds(table, r.SessionTicks), r.ShortGaps, r.LongGaps).EndRow();
            }

            table.Complete();
            written.Add(table.FileName);
        }

        List<CourseSummary> courses = Summarise(tables.PersonCourse!, out double[] minutes, out double[] sessions);
        var charts = new List<(string Title, string? Svg)>();
        string title = $"Time on task per learner (all courses, {tables.Options.ShortTimeout.TotalMinutes.ToString(CultureInfo.InvariantCulture)}-minute timeout)";
        charts.Add((title, ReportWriter.Chart(dir, written, s_charts[0], ReportCharts.Bars(title, "learners", Binned(minutes, s_minutes)))));
        charts.Add(("Sessions per learner (all courses)", ReportWriter.Chart(dir, written, s_charts[1],
            ReportCharts.Bars("Sessions per learner (all courses)", "learners", Binned(sessions, s_sessions)))));
        var shown = courses.Count > 12 ? courses.GetRange(0, 12) : courses;
        var names = new List<string>(shown.Count);
        double[] all = new double[shown.Count], viewed = new double[shown.Count], explored = new double[shown.Count];
        for (int i = 0; i < shown.Count; i++)
        {
            names.Add(shown[i].Course.Length > 24 ? shown[i].Course[..24] + "…" : shown[i].Course);
            all[i] = shown[i].Learners;
            viewed[i] = shown[i].Viewed;
            explored[i] = shown[i].Explored;
        }

        charts.Add(("Learners, viewed and explored per course", ReportWriter.Chart(dir, written, s_charts[2],
            ReportCharts.GroupedBars("Learners, viewed and explored per course", "learners", names, [("learners", all), ("viewed", viewed), ("explored", explored)]))));
        File.WriteAllText(Path.Combine(dir, "index.html"), Html(tables, courses, charts, format == ReportFormat.Parquet ? ".parquet" : ".csv"), new UTF8Encoding(false));
        written.Add("index.html");
    }

    // Seconds: a DOUBLE in Parquet (ticks / 10^7 reads back as the CSV's decimal text), that text in CSV.
    private static ReportTable AddSeconds(ReportTable table, long ticks) => table.Add(ticks / (double)TimeSpan.TicksPerSecond, Seconds(ticks));

    private static ReportTable AddGaps(ReportTable table, in TimeOnTask shortGaps, in TimeOnTask longGaps)
    {
        AddSeconds(table, shortGaps.Total);
        AddSeconds(table, shortGaps.Video);
        AddSeconds(table, shortGaps.Problem);
        AddSeconds(table, shortGaps.Forum);
        AddSeconds(table, shortGaps.Text);
        AddSeconds(table, longGaps.Total);
        AddSeconds(table, longGaps.Video);
        AddSeconds(table, longGaps.Problem);
        AddSeconds(table, longGaps.Forum);
        return AddSeconds(table, longGaps.Text);
    }

    private static List<(string, double)> Binned(double[] values, (double Upto, string Label)[] bins)
    {
        var counts = new double[bins.Length];
        foreach (double v in values)
        {
            for (int b = 0; b < bins.Length; b++)
            {
                if (v <= bins[b].Upto && (b == 0 || v > bins[b - 1].Upto))
                {
                    counts[b]++;
                    break;
                }
            }
        }

        var bars = new List<(string, double)>(bins.Length);
        if (values.Length == 0)
        {
            return bars;
        }

        for (int b = 0; b < bins.Length; b++)
        {
            bars.Add((bins[b].Label, counts[b]));
        }

        return bars;
    }

    /// <summary>Per course: learners, viewed, explored, sessions, hours; per learner (all courses): minutes on task and sessions.</summary>
    private static List<CourseSummary> Summarise(IReadOnlyList<PersonCourseRow> people, out double[] minutes, out double[] sessions)
    {
        var byCourse = new Dictionary<string, CourseSummary>(StringComparer.Ordinal);
        var perLearner = new Dictionary<string, (double Minutes, double Sessions)>(StringComparer.Ordinal);
        foreach (PersonCourseRow r in people)
        {
            if (!byCourse.TryGetValue(r.CourseId, out CourseSummary? c))
            {
                byCourse[r.CourseId] = c = new CourseSummary(r.CourseId) { Chapters = r.CourseChapters };
            }

            c.Learners++;
            c.Viewed += r.Viewed ? 1 : 0;
            c.Explored += r.Explored ? 1 : 0;
            c.Sessions += r.Sessions;
            c.ShortTicks += r.ShortGaps.Total;
            (double m, double s) = perLearner.GetValueOrDefault(r.Learner);
            perLearner[r.Learner] = (m + (r.ShortGaps.Total / (double)TimeSpan.TicksPerMinute), s + r.Sessions);
        }

        minutes = new double[perLearner.Count];
        sessions = new double[perLearner.Count];
        int i = 0;
        foreach ((double m, double s) in perLearner.Values)
        {
            minutes[i] = m;
            sessions[i++] = s;
        }

        var list = new List<CourseSummary>(byCourse.Values);
        list.Sort(static (a, b) => b.Learners != a.Learners ? b.Learners.CompareTo(a.Learners) : string.CompareOrdinal(a.Course, b.Course));
        return list;
    }

    private static string Html(LearnerTables tables, List<CourseSummary> courses, List<(string Title, string? Svg)> charts, string extension)
    {
        var h = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        LearnerTablesOptions o = tables.Options;
        h.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>XAnalytics learner tables</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1000px;color:#222;padding:0 1em}
            h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}
            table{border-collapse:collapse;font-size:.9em;margin:.5em 0}th,td{padding:.25em .6em;border-bottom:1px solid #eee;text-align:left}
            td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}
            img{max-width:100%;height:auto;border:1px solid #eee}.note{color:#555;font-size:.9em}
            </style></head><body>
            <h1>Learner view</h1>

            """);
        h.Append(ci, $"<p class=\"note\">Generated {ReportWriter.GeneratedAt():yyyy-MM-dd HH:mm} UTC. Sessions end after {o.SessionGap.TotalMinutes:0.##} minutes without an event; ");
        h.Append(ci, $"time on task is edx2bigquery's (gaps between a learner's consecutive events of a course under {o.ShortTimeout.TotalMinutes:0.##} and {o.LongTimeout.TotalMinutes:0.##} minutes). ");
        foreach (string name in (ReadOnlySpan<string>)["sessions", "time_on_task", "person_course"])
        {
            h.Append(name == "sessions" ? "Tables: " : ", ").Append("<a href=\"").Append(name).Append(extension).Append("\">").Append(name).Append(extension).Append("</a>");
        }

        h.Append('.');
        if (o.From is not null || o.To is not null || o.Courses.Count > 0)
        {
            h.Append(ci, $" Filter: from {o.From?.ToString("yyyy-MM-dd", ci) ?? "the start"} to {o.To?.ToString("yyyy-MM-dd", ci) ?? "the end"}");
            h.Append(o.Courses.Count > 0 ? "; courses " + ReportWriter.Encode(string.Join(", ", o.Courses)) : string.Empty).Append('.');
        }

        h.Append("</p>\n");
        foreach (string note in tables.Notes)
        {
            h.Append("<p class=\"note\">").Append(ReportWriter.Encode(note)).Append("</p>\n");
        }

        h.Append("<h2>Charts</h2>\n");
        foreach ((string title, string? svg) in charts)
        {
            h.Append(svg is null
                ? $"<p class=\"note\">{ReportWriter.Encode(title)}: no data.</p>\n"
                : $"<p><img src=\"{ReportWriter.Encode(svg)}\" alt=\"{ReportWriter.Encode(title)}\" width=\"{ReportCharts.Width}\" height=\"{ReportCharts.Height}\"></p>\n");
        }

        h.Append("<h2>Courses</h2>\n<p class=\"note\">Viewed: opened the courseware; explored: opened at least half of the chapters any learner of the course opened.</p>\n");
        ReportWriter.Table(h, ["course", "learners", "viewed", "explored", "chapters", "sessions", "hours on task"], courses.Count, i =>
        {
            CourseSummary c = courses[i];
            return [c.Course, N(c.Learners), N(c.Viewed), N(c.Explored), N(c.Chapters), N(c.Sessions),
                (c.ShortTicks / (double)TimeSpan.TicksPerHour).ToString("N1", ci)];
        }, numeric: [1, 2, 3, 4, 5, 6]);
        h.Append("</body></html>\n");
        return h.ToString();
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
