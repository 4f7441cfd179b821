using System.Diagnostics;
using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>The course pages (<c>courses/*.html</c>) over edX's acceptance logs, and rendered in headless Chromium.</summary>
public sealed class CoursePagesSectionTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-course-pages-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// <c>video_timeline.log</c> and the two module engagement logs. edX/DemoX/Demo_Course by hand: learners 10001,
    /// 10002, 10003 (the video log), 1 and 4 (module engagement; user 4 is <c>staff</c>): 5; one activation of user 1
    /// (no deactivation): 1 enrolled; forum on 2015-04-16: 1 thread, 2 responses, 3 comments. Hardest problems from
    /// the server problem_checks: 0d759 (1 learner, never right), then a0effb and 75f9 (both right once) by attempts
    /// per learner, 3 before 2. Videos: its two videos of video.csv plus 0b9e39 (module engagement's plays): three rows.
    /// </summary>
    [EdxCorpusFact]
    public async Task CoursePages_EdxAcceptanceLogs_HeadlinesProblemsForumAndVideos()
    {
        ReportFiles files = await WriteReportAsync();

        string index = await File.ReadAllTextAsync(files.IndexHtml);
        string[] pages = Directory.GetFiles(Path.Combine(files.Directory, "courses"), "*.html");
        Assert.Equal(6, pages.Length); // Demo_Course, _2, _3, course-v1 Demo_Course_2015, Test_2014, Test_2015
        foreach (string page in pages)
        {
            Assert.Contains($"href=\"courses/{Path.GetFileName(page)}\"", index, StringComparison.Ordinal);
            Assert.Contains(page, files.Files);
        }

        // The course pages lead the index: a course team reads them first.
        int coursePages = index.IndexOf("<h2>Course pages</h2>", StringComparison.Ordinal);
        Assert.True(coursePages > 0 && index.IndexOf("<h2>", StringComparison.Ordinal) == coursePages, "the course pages are not the index's first section");

        string demo = await File.ReadAllTextAsync(Assert.Single(pages, p => Path.GetFileName(p).StartsWith("edX_DemoX_Demo_Course-", StringComparison.Ordinal)));
        Assert.Contains("<b>5</b><span>learners", demo, StringComparison.Ordinal);
        Assert.Contains("<b>1</b><span>enrolled", demo, StringComparison.Ordinal);
        Assert.Contains("<b>6</b><span>forum posts", demo, StringComparison.Ordinal);
        Assert.Contains("<td class=\"n\">1</td><td class=\"n\">2</td><td class=\"n\">3</td><td class=\"n\">0</td>", demo, StringComparison.Ordinal);
        int p1 = demo.IndexOf("problem/0d759dee4f9d459c8956136dbde55f02", StringComparison.Ordinal);
        int p2 = demo.IndexOf("problem/a0effb954cca4759994f1ac9e9434bf4", StringComparison.Ordinal);
        int p3 = demo.IndexOf("problem/75f9562c77bc4858b61f907bb810d974", StringComparison.Ordinal);
        Assert.True(p1 > 0 && p1 < p2 && p2 < p3, $"{p1} {p2} {p3}");
        Assert.Contains("<td>i4x-edX-DemoX-video-3cb54a11efae4ccc8a0aade24d14b255</td><td class=\"n\">24</td><td class=\"n\">2</td><td class=\"n\">2</td>", demo, StringComparison.Ordinal);
        Assert.Contains("-video.svg", demo, StringComparison.Ordinal);
        string chart = Path.Combine(files.Directory, "courses", "charts", Path.GetFileNameWithoutExtension(pages.Single(p => p.Contains("edX_DemoX_Demo_Course-", StringComparison.Ordinal))) + "-video.svg");
        // A step line per video with a timeline, its legend naming the video by its id's end.
        System.Xml.Linq.XElement svg = System.Xml.Linq.XDocument.Parse(await File.ReadAllTextAsync(chart)).Root!;
        System.Xml.Linq.XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Contains(svg.Descendants(ns + "path"), p => p.Parent!.Attribute("clip-path") is not null);
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "…" + "i4x-edX-DemoX-video-3cb54a11efae4ccc8a0aade24d14b255"[^12..]);
    }

    /// <summary>
    /// Without the video and engagement tables (<c>--only course_pages</c>) the pages say what is missing instead of an
    /// empty chart or table.
    /// </summary>
    [EdxCorpusFact]
    public async Task CoursePages_OnlyThemselves_SayWhatIsLeftOut()
    {
        using LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.File("video_timeline.log")],
            new ReportOptions { Only = ["course_pages"] }, allowRejects: true);
        ReportFiles files = ReportWriter.Write(reports, Path.Combine(_dir.FullName, "only"));
        string page = await File.ReadAllTextAsync(Directory.GetFiles(Path.Combine(files.Directory, "courses"), "edX_DemoX_Demo_Course-*.html").Single());
        Assert.Contains("The video tables were left out", page, StringComparison.Ordinal);
        Assert.Contains("The module engagement tables were left out", page, StringComparison.Ordinal);
        Assert.Equal(3, reports.Section<CoursePagesSection>()!.Pages!.Single(p => p.CourseId == "edX/DemoX/Demo_Course").Learners);

        // Weekly activity ran for the pages (their learners and weeks are its counts) but its files are not written.
        Assert.Null(reports.WeeklyActivity);
        Assert.NotNull(reports.Weekly.LearnersByCourse);
        Assert.False(File.Exists(Path.Combine(files.Directory, "weekly_activity.csv")));
        Assert.False(File.Exists(Path.Combine(files.Directory, "daily_active.csv")));
    }

    /// <summary>
    /// Renders the Demo_Course page in headless Chromium (Debian's <c>chromium</c>) to a PNG beside the report
    /// (the test prints where); skipped with a message where Chromium is not installed.
    /// </summary>
    [EdxCorpusFact]
    public async Task CoursePage_HeadlessChromium_RendersWithItsCharts()
    {
        string? chromium = FindChromium();
        if (chromium is null)
        {
            Console.WriteLine("Skipped rendering: no chromium or chromium-browser on PATH (Debian: apt-get install chromium).");
            return;
        }

        ReportFiles files = await WriteReportAsync();
        string page = Directory.GetFiles(Path.Combine(files.Directory, "courses"), "edX_DemoX_Demo_Course-*.html").Single();
        string png = Path.Combine(_dir.FullName, "course-page.png");
        var start = new ProcessStartInfo(chromium)
        {
            ArgumentList = { "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1100,1900", $"--screenshot={png}", new Uri(page).AbsoluteUri },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(File.Exists(png), await stderr);
        byte[] bytes = await File.ReadAllBytesAsync(png);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.True(bytes.Length > 50_000, $"a page with two charts and five tables is more than {bytes.Length} bytes of PNG");
        Console.WriteLine($"Course page screenshot: {png}");
    }

    private async Task<ReportFiles> WriteReportAsync()
    {
        using LearnerReports reports = await ReportTestKit.RunAsync(
            [EdxCorpus.File("video_timeline.log"), EdxCorpus.File("module_engagement_acceptance_tracking_20150413.log"), EdxCorpus.File("module_engagement_acceptance_tracking_20150416.log")],
            new ReportOptions(), allowRejects: true);
        return ReportWriter.Write(reports, Path.Combine(_dir.FullName, "out"));
    }

    private static string? FindChromium()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            foreach (string name in new[] { "chromium", "chromium-browser", "google-chrome" })
            {
                string path = Path.Combine(dir, name);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return null;
    }
}
