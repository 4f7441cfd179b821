using System.Globalization;
using System.Net;
using System.Text;
using XAnalytics.Internal;

namespace XAnalytics.Reports;

/// <summary>
/// Writes the reports of a finished run into a folder: the CSVs, the charts (PNG and SVG, in <c>charts/</c>) and
/// one static <c>index.html</c> that shows the tables and links the SVG charts relatively (no server, no
/// external CSS or JavaScript). Every file is written into a hidden staging folder beside the output folder, which
/// is then renamed to it in one step (swapped with the old report, which is deleted), so a reader sees the old
/// report or the new one, never half a file or a mix of the two. An output folder that holds anything the report
/// does not write is refused rather than replaced.
/// </summary>
public static class ReportWriter
{
    /// <summary>Rows of a table shown in <c>index.html</c>; the CSV has them all.</summary>
    public const int MaxHtmlRows = 200;

    // Every file the writer can produce, relative to the output folder.
    private static readonly string[] s_outputs =
    [
        "events_daily.csv", "weekly_activity.csv", "daily_active.csv", "enrollment_daily.csv", "countries.csv", "gdp_share.csv", "index.html",
        "events_daily.parquet", "weekly_activity.parquet", "daily_active.parquet", "enrollment_daily.parquet", "countries.parquet", "gdp_share.parquet",
        .. ChartFiles("daily_active"), .. ChartFiles("enrollment"), .. ChartFiles("top_countries"),
    ];

    /// <summary>
    /// Loads the chart renderer (SkiaSharp, HarfBuzz, the system's fonts) on a thread-pool thread. A tool calls it
    /// when it starts a report's run, so the charts drawn after the run do not wait for font discovery; the run's
    /// own cores are busy then, but the writing after it is on one. The task never faults: a renderer that cannot
    /// load is reported by <see cref="Write(LearnerReports, string, ReportFormat)"/>, as before.
    /// </summary>
    public static Task WarmUpChartsAsync() => HeadStart.Run(ReportCharts.WarmUp);

    /// <summary>
    /// <see cref="WarmUpChartsAsync()"/> for a run of <paramref name="reports"/>: nothing (a completed task) when its
    /// tables draw no chart (<see cref="ReportOptions.Only"/> leaves out weekly activity, enrollment, countries and
    /// course pages), so a run of other tables does not spend a core loading the renderer.
    /// </summary>
    public static Task WarmUpChartsAsync(LearnerReports reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        return DrawsCharts(reports) ? WarmUpChartsAsync() : Task.CompletedTask;
    }

    /// <summary>True when writing <paramref name="reports"/> draws a chart (see <see cref="WriteAll"/> and the course pages).</summary>
    internal static bool DrawsCharts(LearnerReports reports)
    {
        if (reports.WeeklyActivity is not null || reports.EnrollmentDaily is not null || reports.Countries is not null)
        {
            return true;
        }

        foreach (IReportSection section in reports.Sections)
        {
            if (section.Name == CoursePagesSection.SectionName)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes the reports of <paramref name="reports"/> (after its run has completed) into <paramref name="outputDirectory"/>, tables as CSV.</summary>
    /// <exception cref="InvalidOperationException">The run has not completed.</exception>
    public static ReportFiles Write(LearnerReports reports, string outputDirectory) => Write(reports, outputDirectory, ReportFormat.Csv);

    /// <summary>
    /// Writes the reports of <paramref name="reports"/> (after its run has completed) into <paramref name="outputDirectory"/>,
    /// tables in <paramref name="format"/> (the same names, <c>.csv</c> or <c>.parquet</c>); charts and <c>index.html</c> either way.
    /// </summary>
    /// <exception cref="InvalidOperationException">The run has not completed.</exception>
    public static ReportFiles Write(LearnerReports reports, string outputDirectory, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        if (!reports.IsComplete)
        {
            throw new InvalidOperationException("The reports' run has not completed.");
        }

        return Publish(
            outputDirectory,
            static entry => entry.Name == "charts" || Array.IndexOf(s_outputs, entry.Name) >= 0 || ReportSections.Files.Contains(entry.Name)
                || entry.Name.StartsWith(".report-", StringComparison.Ordinal),
            (dir, written) => WriteAll(reports, dir, written, format),
            () => reports.Notes);
    }

    /// <summary>
    /// Writes a folder of tables, <c>charts/</c> and <c>index.html</c> into a hidden staging folder beside
    /// <paramref name="outputDirectory"/> and publishes it in one rename, replacing an earlier one whose entries are
    /// all <paramref name="replaceable"/> (a folder holding anything else is refused). <paramref name="writeAll"/>
    /// writes into the staging folder and lists what it wrote, relative; the notes are read once it has.
    /// </summary>
    internal static ReportFiles Publish(
        string outputDirectory, Func<FileSystemInfo, bool> replaceable, Action<string, List<string>> writeAll, Func<IReadOnlyList<string>> notes)
    {
        string output = Path.GetFullPath(outputDirectory);
        Internal.StagedFolder staged = Internal.StagedFolder.Create(output, replace: true, replaceable, refusal: string.Empty);
        try
        {
            Directory.CreateDirectory(Path.Combine(staged.Path, "charts"));
            var written = new List<string>();
            writeAll(staged.Path, written);
            staged.Publish();
            var final = new List<string>(written.Count);
            foreach (string relative in written)
            {
                final.Add(Path.Combine(output, relative));
            }

            return new ReportFiles(output, Path.Combine(output, "index.html"), final, notes());
        }
        catch
        {
            staged.Discard();
            throw;
        }
    }

    private static void WriteAll(LearnerReports reports, string dir, List<string> written, ReportFormat format)
    {
        if (reports.EventsDaily?.Rows is { } daily)
        {
            using var table = new ReportTable(dir, "events_daily", format, ReportTable.Day("day"), ReportTable.Text("course_id"), ReportTable.Text("family"), ReportTable.Count("events"));
            foreach (EventsDailyRow r in daily)
            {
                table.Add(r.Day).Add(r.CourseId).Add(EventFamilies.Name(r.Family)).Add(r.Events).EndRow();
            }

            table.Complete();
            written.Add(table.FileName);
        }

        IReadOnlyList<DailyActiveRow> active = reports.WeeklyActivity?.DailyActive ?? [];
        if (reports.WeeklyActivity?.Rows is { } weekly)
        {
            using (var table = new ReportTable(dir, "weekly_activity", format, ReportTable.Text("course_id"), ReportTable.Day("interval_start"), ReportTable.Day("interval_end"),
                ReportTable.Text("label"), ReportTable.Count("count")))
            {
                foreach (WeeklyActivityRow r in weekly)
                {
                    table.Add(r.CourseId).Add(r.IntervalStart).Add(r.IntervalEnd).Add(r.Label).Add(r.Count).EndRow();
                }

                table.Complete();
                written.Add(table.FileName);
            }

            using (var table = new ReportTable(dir, "daily_active", format, ReportTable.Text("course_id"), ReportTable.Day("day"), ReportTable.Count("learners")))
            {
                foreach (DailyActiveRow r in active)
                {
                    table.Add(r.CourseId).Add(r.Day).Add(r.Learners).EndRow();
                }

                table.Complete();
                written.Add(table.FileName);
            }
        }

        IReadOnlyList<EnrollmentDailyRow> enrollment = reports.EnrollmentDaily?.Rows ?? [];
        if (reports.EnrollmentDaily is not null)
        {
            using var table = new ReportTable(dir, "enrollment_daily", format, ReportTable.Text("course_id"), ReportTable.Day("day"), ReportTable.Count("activations"),
                ReportTable.Count("deactivations"), ReportTable.Count("mode_changes"), ReportTable.Count("net_enrollment"));
            foreach (EnrollmentDailyRow r in enrollment)
            {
                table.Add(r.CourseId).Add(r.Day).Add(r.Activations).Add(r.Deactivations).Add(r.ModeChanges).Add(r.NetEnrollment).EndRow();
            }

            table.Complete();
            written.Add(table.FileName);
        }

        CountriesReport? countries = reports.Countries;
        if (countries is not null)
        {
            using (var table = new ReportTable(dir, "countries", format, ReportTable.Text("course_id"), ReportTable.Text("country"), ReportTable.Text("country_name"),
                ReportTable.Count("learners"), ReportTable.Real("gdp_per_capita"), ReportTable.Text("languages"), ReportTable.Int("internet_users")))
            {
                foreach (CountryRow r in countries.Rows!)
                {
                    table.Add(r.CourseId).Add(r.Country).Add(r.CountryName).Add(r.Learners).Add(r.GdpPerCapita).Add(r.Languages).Add(r.InternetUsers).EndRow();
                }

                table.Complete();
                written.Add(table.FileName);
            }

            if (countries.GdpShares is { } shares)
            {
                using (var table = new ReportTable(dir, "gdp_share", format, ReportTable.Text("course_id"), ReportTable.Real("gdp_threshold"), ReportTable.Count("learners_with_gdp"),
                    ReportTable.Count("learners_below"), ReportTable.Real("share"), ReportTable.Real("lower_95"), ReportTable.Real("upper_95")))
                {
                    foreach (GdpShareRow r in shares)
                    {
                        table.Add(r.CourseId).Add(r.Threshold).Add(r.LearnersWithGdp).Add(r.LearnersBelow)
                            .Add(r.Interval?.Share).Add(r.Interval?.Lower).Add(r.Interval?.Upper).EndRow();
                    }

                    table.Complete();
                    written.Add(table.FileName);
                }
            }
        }

        foreach (IReportSection section in reports.Sections)
        {
            section.Write(dir, written, format);
            YoungGeneration.Check(); // the garbage of its rows and pages, before the next section's
        }

        var charts = new List<(string Title, string? Svg)>();
        var activePoints = new List<(string, DateOnly, double)>(active.Count);
        foreach (DailyActiveRow r in active)
        {
            activePoints.Add((r.CourseId, r.Day, r.Learners));
        }

        if (reports.WeeklyActivity is not null)
        {
            charts.Add(("Daily active learners per course", Chart(dir, written, "daily_active",
            ReportCharts.Lines("Daily active learners per course", "learners", activePoints, steps: false))));
        }

        var enrollmentPoints = new List<(string, DateOnly, double)>(enrollment.Count);
        foreach (EnrollmentDailyRow r in enrollment)
        {
            enrollmentPoints.Add((r.CourseId, r.Day, r.NetEnrollment));
        }

        if (reports.EnrollmentDaily is not null)
        {
            charts.Add(("Net enrollment over time", Chart(dir, written, "enrollment",
            ReportCharts.Lines("Net enrollment over time", "enrolled (activations - deactivations)", enrollmentPoints, steps: true))));
        }

        if (countries is not null)
        {
            var bars = new List<(string, double)>();
            foreach (CountryRow r in countries.Overall!)
            {
                if (bars.Count == 15)
                {
                    break;
                }

                bars.Add((r.Country, r.Learners));
            }

            charts.Add(("Top countries (learners, all courses)", Chart(dir, written, "top_countries", ReportCharts.Bars("Top countries (learners, all courses)", "learners", bars))));
        }

        YoungGeneration.Check();
        File.WriteAllText(Path.Combine(dir, "index.html"), Html(reports, charts, format == ReportFormat.Parquet ? ".parquet" : ".csv"), new UTF8Encoding(false));
        written.Add("index.html");
    }

    internal static string? Chart(string dir, List<string> written, string name, ScottPlot.Plot? plot)
    {
        if (plot is null)
        {
            return null;
        }

        string png = Path.Combine("charts", name + ".png");
        string svg = Path.Combine("charts", name + ".svg");
        using (plot)
        {
            ReportCharts.Save(plot, Path.Combine(dir, png), Path.Combine(dir, svg));
        }

        written.Add(png);
        written.Add(svg);
        return "charts/" + name + ".svg";
    }

    private static string Html(LearnerReports reports, List<(string Title, string? Svg)> charts, string extension)
    {
        var h = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        h.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>XAnalytics learner report</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1000px;color:#222;padding:0 1em}
            h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}
            table{border-collapse:collapse;font-size:.9em;margin:.5em 0}th,td{padding:.25em .6em;border-bottom:1px solid #eee;text-align:left}
            td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}
            img{max-width:100%;height:auto;border:1px solid #eee}.note{color:#555;font-size:.9em}
            </style></head><body>
            <h1>Learner report</h1>

            """);
        ReportOptions o = reports.Options;
        h.Append(ci, $"<p class=\"note\">Generated {GeneratedAt():yyyy-MM-dd HH:mm} UTC. Days are UTC dates; courses are written as edX writes them (course-v1:Org+Num+Run, or Org/Num/Run for old-style courses), one row per course whichever way an event wrote it.");
        if (o.From is not null || o.To is not null || o.Courses.Count > 0)
        {
            h.Append(ci, $" Filter: from {o.From?.ToString("yyyy-MM-dd", ci) ?? "the start"} to {o.To?.ToString("yyyy-MM-dd", ci) ?? "the end"}");
            h.Append(o.Courses.Count > 0 ? "; courses " + Encode(string.Join(", ", o.Courses)) : "").Append('.');
        }

        h.Append("</p>\n");
        foreach (string note in reports.Notes)
        {
            h.Append("<p class=\"note\">").Append(Encode(note)).Append("</p>\n");
        }

        // A course team reads its course's page first: the list of course pages leads, the whole-archive tables follow.
        foreach (IReportSection section in reports.Sections)
        {
            if (section is CoursePagesSection)
            {
                section.AppendHtml(h);
            }
        }

        h.Append("<h2>Charts</h2>\n<p class=\"note\">Daily active learners: distinct users with an ACTIVE event (see weekly activity) per course and UTC day, "
            + "<a href=\"daily_active.csv\">daily_active.csv</a>; the busiest 8 courses are drawn. PNG versions are beside the SVGs in charts/.</p>\n");
        foreach ((string title, string? svg) in charts)
        {
            h.Append(svg is null
                ? $"<p class=\"note\">{Encode(title)}: no data.</p>\n"
                : $"<p><img src=\"{Encode(svg)}\" alt=\"{Encode(title)}\" width=\"{ReportCharts.Width}\" height=\"{ReportCharts.Height}\"></p>\n");
        }

        if (reports.Countries?.GdpShares is { } shares)
        {
            h.Append(ci, $"<h2>Learners from countries with GDP per capita under {o.GdpThreshold:N0} US$ (PPP)</h2>\n");
            h.Append("<p class=\"note\">Share of learners whose country has a Factbook GDP per capita; 95% interval (exact Beta quantiles under 40 learners, normal approximation above). <a href=\"gdp_share.csv\">gdp_share.csv</a></p>\n");
            Table(h, ["course", "learners with GDP", "below threshold", "share", "95% interval"], shares.Count, i =>
            {
                GdpShareRow r = shares[i];
                return [r.CourseId.Length == 0 ? "(all courses)" : r.CourseId, N(r.LearnersWithGdp), N(r.LearnersBelow),
                    r.Interval is { } b ? b.Share.ToString("P1", ci) : "", r.Interval is { } c ? $"{c.Lower.ToString("P1", ci)} – {c.Upper.ToString("P1", ci)}" : ""];
            }, numeric: [1, 2, 3]);
        }

        if (reports.WeeklyActivity?.Rows is { } weekly)
        {
            h.Append("<h2>Weekly activity</h2>\n<p class=\"note\">Distinct users per course, week (Monday to Monday) and label, by edX's user-activity rules. <a href=\"weekly_activity.csv\">weekly_activity.csv</a></p>\n");
            Table(h, ["course", "week from", "to", "label", "users"], weekly.Count, i =>
            {
                WeeklyActivityRow r = weekly[i];
                return [r.CourseId, CsvTable.Date(r.IntervalStart), CsvTable.Date(r.IntervalEnd), r.Label, N(r.Count)];
            }, numeric: [4]);
        }

        if (reports.EnrollmentDaily?.Rows is { } enrollment)
        {
            h.Append("<h2>Enrollment</h2>\n<p class=\"note\">Enrollment events per course and day, and the running net enrollment. <a href=\"enrollment_daily.csv\">enrollment_daily.csv</a></p>\n");
            Table(h, ["course", "day", "activations", "deactivations", "mode changes", "net"], enrollment.Count, i =>
            {
                EnrollmentDailyRow r = enrollment[i];
                return [r.CourseId, CsvTable.Date(r.Day), N(r.Activations), N(r.Deactivations), N(r.ModeChanges), N(r.NetEnrollment)];
            }, numeric: [2, 3, 4, 5]);
        }

        if (reports.Countries?.Rows is { } countries)
        {
            h.Append("<h2>Countries</h2>\n<p class=\"note\">Learners per country per course (a learner's country is that of the last IP address they were seen with). <a href=\"countries.csv\">countries.csv</a></p>\n");
            Table(h, ["course", "country", "name", "learners", "GDP per capita", "internet users"], countries.Count, i =>
            {
                CountryRow r = countries[i];
                return [r.CourseId, r.Country, r.CountryName ?? "", N(r.Learners), r.GdpPerCapita?.ToString("N0", ci) ?? "", r.InternetUsers?.ToString("N0", ci) ?? ""];
            }, numeric: [3, 4, 5]);
        }

        if (reports.EventsDaily?.Rows is { } daily)
        {
            h.Append("<h2>Events per day</h2>\n<p class=\"note\">Events per UTC day, course and family (video, problem, navigation, forum, enrollment, page, other). <a href=\"events_daily.csv\">events_daily.csv</a></p>\n");
            Table(h, ["day", "course", "family", "events"], daily.Count, i =>
            {
                EventsDailyRow r = daily[i];
                return [CsvTable.Date(r.Day), r.CourseId.Length == 0 ? "(none)" : r.CourseId, EventFamilies.Name(r.Family), N(r.Events)];
            }, numeric: [3]);
        }

        foreach (IReportSection section in reports.Sections)
        {
            if (section is not CoursePagesSection)
            {
                section.AppendHtml(h);
            }
        }

        h.Append("</body></html>\n");
        // The links name the tables' files, written above as CSV.
        return extension == ".csv" ? h.ToString() : h.Replace(".csv\">", extension + "\">").Replace(".csv</a>", extension + "</a>").ToString();
    }

    /// <summary>
    /// Appends an HTML table of the first <see cref="MaxHtmlRows"/> rows, with a note when the CSV has more; with
    /// <paramref name="firstColumnLink"/>, each row's first cell links to that row's relative path (encoded here).
    /// </summary>
    internal static void Table(StringBuilder h, string[] header, int rows, Func<int, string[]> row, int[] numeric, Func<int, string>? firstColumnLink = null)
    {
        h.Append("<table><thead><tr>");
        foreach (string c in header)
        {
            h.Append("<th>").Append(Encode(c)).Append("</th>");
        }

        h.Append("</tr></thead><tbody>\n");
        int shown = Math.Min(rows, MaxHtmlRows);
        for (int i = 0; i < shown; i++)
        {
            string[] cells = row(i);
            h.Append("<tr>");
            for (int c = 0; c < cells.Length; c++)
            {
                h.Append(Array.IndexOf(numeric, c) >= 0 ? "<td class=\"n\">" : "<td>");
                if (c == 0 && firstColumnLink is not null)
                {
                    h.Append("<a href=\"").Append(Encode(firstColumnLink(i))).Append("\">").Append(Encode(cells[c])).Append("</a>");
                }
                else
                {
                    h.Append(Encode(cells[c]));
                }

                h.Append("</td>");
            }

            h.Append("</tr>\n");
        }

        h.Append("</tbody></table>\n");
        if (rows > shown)
        {
            h.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">First {shown:N0} of {rows:N0} rows; the CSV has them all.</p>\n");
        }
        else if (rows == 0)
        {
            h.Append("<p class=\"note\">No rows.</p>\n");
        }
    }

    private static string[] ChartFiles(string name) => [Path.Combine("charts", name + ".png"), Path.Combine("charts", name + ".svg")];

    internal static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    internal static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>
    /// When the report says it was generated: now, or <c>SOURCE_DATE_EPOCH</c> (seconds since 1970, the
    /// reproducible-builds convention) when set, so two runs over the same input, or N shards and their merge, write
    /// the same bytes even a minute apart.
    /// </summary>
    internal static DateTime GeneratedAt()
        => long.TryParse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
            && seconds <= 253_402_300_799L
            ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime
            : DateTime.UtcNow;
}
