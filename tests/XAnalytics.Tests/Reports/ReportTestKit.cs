using nietras.SeparatedValues;
using XAnalytics.Pipeline;
using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary>Runs the learner reports in-process and reads their CSVs back with a CSV parser (Sep, unescaping).</summary>
internal static class ReportTestKit
{
    public static async Task<LearnerReports> RunAsync(IReadOnlyList<string> inputs, ReportOptions options, int threads = 2, int batchEvents = 4096, bool allowRejects = false)
    {
        LearnerReports reports = LearnerReports.Create(options);
        var pipeline = new PipelineOptions
        {
            Source = new FileSourceOptions { Inputs = inputs },
            Threads = threads,
            BatchEvents = batchEvents,
            RejectsPath = null,
        };
        RunResult run = await EventPipeline.RunAsync(pipeline, [], reports.CreateSink()).WaitAsync(TimeSpan.FromSeconds(60));
        if (!allowRejects)
        {
            Assert.Equal(0, run.Counters.Rejected);
        }

        return reports;
    }

    /// <summary>
    /// The inputs of a spill test: a generated archive of <paramref name="events"/> events by <paramref name="learners"/>
    /// learners (4 files, 3 courses, 15 days from 2015-03-01) in <c>archive</c> under <paramref name="dir"/>, with edX's
    /// acceptance logs when present, and an empty scratch folder <c>scratch</c> beside it.
    /// </summary>
    public static async Task<(string[] Inputs, string Scratch)> SpillInputsAsync(string dir, int events, int learners)
    {
        string archive = Path.Combine(dir, "archive");
        await TestArchives.GenerateAsync(archive, events, files: 4, courses: 3, learners, days: 15);
        string[] inputs = EdxCorpus.Directory is { } corpus ? [archive, corpus] : [archive];
        return (inputs, System.IO.Directory.CreateDirectory(Path.Combine(dir, "scratch")).FullName);
    }

    /// <summary>
    /// A plain log of <paramref name="events"/> made-up <c>edx.ui.lms.link_clicked</c> events (two courses, three days,
    /// every third click leaving the site) in <paramref name="dir"/>, for tests that need known link clicks without
    /// edX's acceptance logs (generated archives have some, one event in a hundred, but at random). Returns the file's path.
    /// </summary>
    public static string LinkClicks(string dir, int events = 600)
    {
        System.IO.Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "link-clicks.log");
        var lines = new List<string>(events);
        for (int i = 0; i < events; i++)
        {
            string course = i % 2 == 0 ? "course-v1:TestX+Links1+2015" : "course-v1:TestX+Links2+2015";
            string target = i % 3 == 0 ? "https://www.example.com/reading" : "https://courses.example.org/courses/" + course + "/info";
            lines.Add("{\"username\":\"test_learner_" + (i % 40) + "\",\"event_type\":\"edx.ui.lms.link_clicked\",\"event_source\":\"mobile\","
                + "\"time\":\"2015-03-0" + (1 + (i % 3)) + "T10:00:00.000000+00:00\",\"context\":{\"course_id\":\"" + course + "\",\"org_id\":\"TestX\"},"
                + "\"event\":{\"current_url\":\"https://courses.example.org/courses/" + course + "/courseware/a/b/\",\"target_url\":\"" + target + "\"}}");
        }

        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>The CSV's header and rows, as a CSV reader (RFC 4180 quoting) sees them.</summary>
    public static (string[] Header, List<string[]> Rows) ReadCsv(string path)
    {
        using SepReader reader = Sep.New(',').Reader(o => o with { Unescape = true, HasHeader = true }).FromFile(path);
        string[] header = [.. reader.Header.ColNames];
        var rows = new List<string[]>();
        foreach (SepReader.Row row in reader)
        {
            Assert.Equal(header.Length, row.ColCount);
            var cells = new string[row.ColCount];
            for (int i = 0; i < cells.Length; i++)
            {
                cells[i] = row[i].ToString();
            }

            rows.Add(cells);
        }

        return (header, rows);
    }

    /// <summary>The rows as comma-joined lines (for readable exact comparisons of fields without commas).</summary>
    public static string[] Lines(string path)
    {
        (_, List<string[]> rows) = ReadCsv(path);
        var lines = new string[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            lines[i] = string.Join(',', rows[i]);
        }

        return lines;
    }
}

/// <summary>
/// Finds the edX analytics pipeline's acceptance logs (<c>../shared/corpus/edx-analytics-pipeline</c> beside the
/// folder holding <c>XAnalytics.sln</c>); they are read where they are, never copied into the project.
/// </summary>
internal static class EdxCorpus
{
    public static string? Directory => XAnalytics.Tests.TestSupport.Corpus.Directory;

    public static string SkipReason => "Skipped: ../shared/corpus/edx-analytics-pipeline (next to the folder holding XAnalytics.sln) was not found.";

    public static string File(string name) => Path.Combine(Directory ?? throw new InvalidOperationException(SkipReason), name);

}

/// <summary>A fact reported as skipped, with the reason, when the edX corpus is absent.</summary>
internal sealed class EdxCorpusFactAttribute : FactAttribute
{
    public EdxCorpusFactAttribute()
    {
        if (EdxCorpus.Directory is null)
        {
            Skip = EdxCorpus.SkipReason;
        }
    }
}
