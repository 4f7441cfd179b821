using System.IO.Compression;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Sinks;

/// <summary>edX's event exports (event_exports.py, event_exports_by_course.py) as <see cref="EventExportSink"/> writes them.</summary>
public sealed class EventExportSinkTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-export-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static async Task<(RunResult Run, EventExportSink Sink)> RunAsync(string input, EventExportOptions options)
    {
        var sink = new EventExportSink(options);
        var pipeline = new PipelineOptions { Source = new FileSourceOptions { Inputs = [input] }, Threads = 2, BatchEvents = 3, RejectsPath = null };
        RunResult run = await EventPipeline.RunAsync(pipeline, [], sink).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(run.Counters.IsBalanced);
        return (run, sink);
    }

    private static string[] Lines(string gz)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(gz), CompressionMode.Decompress));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return [.. lines];
    }

    /// <summary>
    /// edX's <c>EventExportByCourseAcceptanceTest.test_events_export_by_course_with_ccx</c> runs <c>EventExportByCourseTask
    /// --interval 2014</c> over event_export_tracking.log and expects exactly these 8 files (get_ccx_output_files). Each
    /// file here holds the input lines edX's mapper sends to it, unchanged. edX's expected contents
    /// (fixtures/output/*-events-DATE.log) predate the input's current <c>host</c> values and its studio and worker lines
    /// (14 and 15): its edX_Open_DemoX_edx_demo_course 2014-04-18 file has line 1 with an empty host and its 2014-05-15
    /// file one line where the course mapper, which never looks at the host, sends lines 2, 14 and 15; so contents are
    /// compared with the mapper's choice over the current input.
    /// </summary>
    [CorpusFact]
    public async Task ByCourse_EventExportLog_AsEdxAcceptanceTest()
    {
        string input = Path.Combine(Corpus.Directory!, "event_export_tracking.log");
        string[] source = File.ReadAllLines(input);
        string output = Path.Combine(_dir.FullName, "by-course");
        (RunResult run, EventExportSink sink) = await RunAsync(input,
            new EventExportOptions { OutputDirectory = output, By = EventExportGrouping.Course, From = new DateOnly(2014, 1, 1), To = new DateOnly(2014, 12, 31) });

        var expected = new Dictionary<string, int[]>
        {
            ["AcceptanceX_A101_T12014/events/AcceptanceX_A101_T12014-events-2014-05-15.log.gz"] = [5],
            ["AcceptanceX_A101_T12014/events/AcceptanceX_A101_T12014-events-2014-06-01.log.gz"] = [6],
            ["AcceptanceX_DemoX_T1_2014/events/AcceptanceX_DemoX_T1_2014-events-2014-05-15.log.gz"] = [7, 8, 9, 10],
            ["AcceptanceX_Demo_ccx_T2_2014_ccx_101/events/AcceptanceX_Demo_ccx_T2_2014_ccx_101-events-2014-05-27.log.gz"] = [12],
            ["AcceptanceX_Demo_ccx_T2_2014_ccx_102/events/AcceptanceX_Demo_ccx_T2_2014_ccx_102-events-2014-05-27.log.gz"] = [13],
            ["edX_Open_DemoX_edx_demo_course/events/edX_Open_DemoX_edx_demo_course-events-2014-04-18.log.gz"] = [1],
            ["edX_Open_DemoX_edx_demo_course/events/edX_Open_DemoX_edx_demo_course-events-2014-05-15.log.gz"] = [2, 14, 15],
            ["edX_Open_DemoX_edx_demo_course/events/edX_Open_DemoX_edx_demo_course-events-2014-05-16.log.gz"] = [4],
        };
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), sink.Files.Select(f => f.Replace('\\', '/')));
        foreach ((string file, int[] lines) in expected)
        {
            Assert.Equal(lines.Select(n => source[n - 1]), Lines(Path.Combine(output, file)));
        }

        // Lines 3 and 11 name no course (an empty context.course_id; URLs '/' and no URL).
        Assert.Equal((13, 2), (run.Counters.Written, run.Counters.Filtered));
    }

    /// <summary>
    /// edX's <c>EventExportAcceptanceTest</c> runs <c>EventExportTask --interval 2014-05 --environment edx</c> (organizations
    /// edX and AcceptanceX) and compares edx-edx-events-2014-05-15.log, edx-edx-events-2014-05-16.log and
    /// acceptancex-edx-events-2014-05-15.log (fixtures/output) with its decrypted output: the input's lines 2; 4; 5, 7, 8,
    /// 9 and 10. Studio's (line 14) and a worker's (15, empty host) events are dropped; line 1 and 6 are outside May.
    /// The two ccx events of 2014-05-27 (lines 12 and 13) go to AcceptanceX's file of that day, which edX's test does not
    /// check. edX encrypts these files with GPG; here they are plain gzip.
    /// </summary>
    [CorpusFact]
    public async Task ByOrg_EventExportLog_AsEdxAcceptanceTest()
    {
        string input = Path.Combine(Corpus.Directory!, "event_export_tracking.log");
        string[] source = File.ReadAllLines(input);
        string output = Path.Combine(_dir.FullName, "by-org");
        (RunResult run, EventExportSink sink) = await RunAsync(input, new EventExportOptions
        {
            OutputDirectory = output,
            By = EventExportGrouping.Org,
            Organizations = ["edX", "AcceptanceX"],
            From = new DateOnly(2014, 5, 1),
            To = new DateOnly(2014, 5, 31),
        });

        var expected = new Dictionary<string, int[]>
        {
            ["acceptancex/edx/events/2014/acceptancex-edx-events-2014-05-15.log.gz"] = [5, 7, 8, 9, 10],
            ["acceptancex/edx/events/2014/acceptancex-edx-events-2014-05-27.log.gz"] = [12, 13],
            ["edx/edx/events/2014/edx-edx-events-2014-05-15.log.gz"] = [2],
            ["edx/edx/events/2014/edx-edx-events-2014-05-16.log.gz"] = [4],
        };
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), sink.Files.Select(f => f.Replace('\\', '/')));
        foreach ((string file, int[] lines) in expected)
        {
            Assert.Equal(lines.Select(n => source[n - 1]), Lines(Path.Combine(output, file)));
        }

        Assert.Equal(9, run.Counters.Written);
    }

    private static string Event(string course, string time, string extra = "")
    {
        string org = course.Split(':', '/', '+')[course.StartsWith("course-v1:", StringComparison.Ordinal) ? 1 : 0];
        return "{\"username\": \"learner_x\", \"host\": \"lms.example.org\", \"event_source\": \"server\", \"event_type\": \"page_close\", "
            + $"\"time\": \"{time}\", \"context\": {{\"course_id\": \"{course}\", \"org_id\": \"{org}\"{extra}}}, \"event\": {{}}}}";
    }

    [Fact]
    public async Task OneOpenFile_InterleavedCourses_AppendGzipMembersInInputOrder()
    {
        string[] lines = [.. Enumerable.Range(0, 40).Select(k => Event(k % 3 == 0 ? "course-v1:OrgA+C1+R1" : k % 3 == 1 ? "OrgB/C2/R2" : "course-v1:OrgA+C1+R1", $"2015-03-0{1 + (k % 2)}T10:00:{k:00}+00:00"))];
        string input = Path.Combine(_dir.FullName, "tracking.log");
        await File.WriteAllLinesAsync(input, lines);
        string output = Path.Combine(_dir.FullName, "out");
        (_, EventExportSink sink) = await RunAsync(input, new EventExportOptions { OutputDirectory = output, By = EventExportGrouping.Course, MaxOpenFiles = 1 });

        Assert.Equal(4, sink.Files.Count);
        foreach (string file in sink.Files)
        {
            string[] expected = [.. lines.Where(l => file.StartsWith(l.Contains("OrgB/C2/R2", StringComparison.Ordinal) ? "OrgB_C2_R2" : "OrgA_C1_R1", StringComparison.Ordinal)
                && file.EndsWith(l.Contains("2015-03-01", StringComparison.Ordinal) ? "2015-03-01.log.gz" : "2015-03-02.log.gz", StringComparison.Ordinal))];
            Assert.NotEmpty(expected);
            Assert.Equal(expected, Lines(Path.Combine(output, file)));
        }
    }

    [Fact]
    public async Task ByOrg_ExportFlagReceivedAtAndHosts_AsEdxMapper()
    {
        string input = Path.Combine(_dir.FullName, "tracking.log");
        string kept = Event("course-v1:OrgA+C1+R1", "2015-03-01T10:00:00+00:00");
        string received = Event("course-v1:OrgA+C1+R1", "2015-02-27T10:00:00+00:00", """, "received_at": "2015-03-02T08:00:00+00:00" """);
        await File.WriteAllLinesAsync(input,
        [
            kept,
            received,
            kept.Replace("\"event\": {}", "\"event\": {\"_export\": \"False\"}", StringComparison.Ordinal),
            kept.Replace("\"event\": {}", "\"event\": {\"_export\": 0}", StringComparison.Ordinal),
            kept.Replace("lms.example.org", "studio.edx.org", StringComparison.Ordinal),
            kept.Replace("lms.example.org", "", StringComparison.Ordinal),
            kept.Replace("\"org_id\": \"OrgA\"", "\"org_id\": \"\"", StringComparison.Ordinal),
        ]);
        string output = Path.Combine(_dir.FullName, "out");
        (RunResult run, EventExportSink sink) = await RunAsync(input, new EventExportOptions { OutputDirectory = output, By = EventExportGrouping.Org, Environment = "edge" });

        // The blank org_id's event is a server event of type page_close (no slash) without a problem_id: no organization.
        Assert.Equal(["orga/edge/events/2015/orga-edge-events-2015-03-01.log.gz", "orga/edge/events/2015/orga-edge-events-2015-03-02.log.gz"], sink.Files.Select(f => f.Replace('\\', '/')));
        Assert.Equal([kept], Lines(Path.Combine(output, sink.Files[0])));
        Assert.Equal([received], Lines(Path.Combine(output, sink.Files[1])));
        Assert.Equal((2, 5), (run.Counters.Written, run.Counters.Filtered));
    }

    [Fact]
    public async Task NonEmptyOutput_IsRefused_AndNothingIsWritten()
    {
        string input = Path.Combine(_dir.FullName, "tracking.log");
        await File.WriteAllLinesAsync(input, [Event("course-v1:OrgA+C1+R1", "2015-03-01T10:00:00+00:00")]);
        string output = Path.Combine(_dir.FullName, "out");
        Directory.CreateDirectory(output);
        await File.WriteAllTextAsync(Path.Combine(output, "notes.txt"), "mine");

        await Assert.ThrowsAnyAsync<Exception>(() => RunAsync(input, new EventExportOptions { OutputDirectory = output }));
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("/courses/course-v1:OrgA+C1+R1/courseware/x", "course-v1:OrgA+C1+R1")]
    [InlineData("https://h/courses/OrgB/C2/R2/info?x=1", "OrgB/C2/R2")]
    [InlineData("/courses/v1/blocks/?course_id=x", null)]
    [InlineData("https://h/xblock/block-v1:OrgA+C1+R1+type@problem+block@abc?show_title=0", "course-v1:OrgA+C1+R1")]
    [InlineData("https://h/xblock/ccx-block-v1:OrgA+C1+R1+ccx@3+type@problem+block@abc", "ccx-v1:OrgA+C1+R1+ccx@3")]
    [InlineData("https://h/xblock/not-a-block/x/y/courses/OrgB/C2/R2/", null)]
    [InlineData("/dashboard", null)]
    public void CourseFromUrl_AsOpaqueKeyUtil(string url, string? course)
    {
        var keys = new EventExportKeys();
        bool found = keys.TryCourseFromUrl(url, out ReadOnlySpan<char> id);
        Assert.Equal(course, found ? id.ToString() : null);
    }
}
