using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary><c>video.csv</c> and <c>video_timeline.csv</c> against edX's acceptance test and hand-made edge cases.</summary>
public sealed class VideoSectionTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-video-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// edX's <c>test_video.py</c> (<c>VideoAcceptanceTest</c>): <c>video_timeline.log</c> with <c>--interval
    /// 2014-05-01-2014-05-06</c> (end exclusive, so <c>--to 2014-05-05</c>); the expected rows are copied from its
    /// <c>validate_video_info</c> and <c>validate_video_timeline</c>. The log's comment and blank lines are rejected (edX's
    /// parser skips them too).
    /// </summary>
    [EdxCorpusFact]
    public async Task Video_EdxAcceptanceLog_MatchesEdxExpectedRows()
    {
        using LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.File("video_timeline.log")],
            new ReportOptions { From = new DateOnly(2014, 5, 1), To = new DateOnly(2014, 5, 5), Only = ["video"] }, allowRejects: true);
        ReportWriter.Write(reports, _dir.FullName);

        (string[] header, _) = ReportTestKit.ReadCsv(Path.Combine(_dir.FullName, "video.csv"));
        Assert.Equal(["pipeline_video_id", "course_id", "encoded_module_id", "duration", "segment_length", "users_at_start", "users_at_end", "total_viewed_seconds"], header);
        Assert.Equal(
            [
                "course-v1:edX+DemoX+Test_2014|0b9e39477cf34507a7a48f74be381fdd,course-v1:edX+DemoX+Test_2014,0b9e39477cf34507a7a48f74be381fdd,4,5,1,1,5",
                "course-v1:edX+DemoX+Test_2015|0b9e39477cf34507a7a48f74be381fdd1,course-v1:edX+DemoX+Test_2015,0b9e39477cf34507a7a48f74be381fdd1,444,5,1,0,5",
                "edX/DemoX/Demo_Course|i4x-edX-DemoX-video-3cb54a11efae4ccc8a0aade24d14b255,edX/DemoX/Demo_Course,i4x-edX-DemoX-video-3cb54a11efae4ccc8a0aade24d14b255,24,5,2,2,60",
                "edX/DemoX/Demo_Course|i4x-edX-DemoX-video-8c0028eb2a724f48a074bc184cd8635f,edX/DemoX/Demo_Course,i4x-edX-DemoX-video-8c0028eb2a724f48a074bc184cd8635f,24,5,0,1,15",
            ],
            ReportTestKit.Lines(Path.Combine(_dir.FullName, "video.csv")));
        Assert.Equal(
            [
                "course-v1:edX+DemoX+Test_2014|0b9e39477cf34507a7a48f74be381fdd,0,1,1",
                "course-v1:edX+DemoX+Test_2015|0b9e39477cf34507a7a48f74be381fdd1,0,1,1",
                "edX/DemoX/Demo_Course|i4x-edX-DemoX-video-3cb54a11efae4ccc8a0aade24d14b255,0,2,2",
                "edX/DemoX/Demo_Course|i4x-edX-DemoX-video-3cb54a11efae4ccc8a0aade24d14b255,1,2,3",
                "edX/DemoX/Demo_Course|i4x-edX-DemoX-video-3cb54a11efae4ccc8a0aade24d14b255,2,1,2",
                "edX/DemoX/Demo_Course|i4x-edX-DemoX-video-3cb54a11efae4ccc8a0aade24d14b255,3,2,2",
                "edX/DemoX/Demo_Course|i4x-edX-DemoX-video-3cb54a11efae4ccc8a0aade24d14b255,4,2,3",
                "edX/DemoX/Demo_Course|i4x-edX-DemoX-video-8c0028eb2a724f48a074bc184cd8635f,2,1,1",
                "edX/DemoX/Demo_Course|i4x-edX-DemoX-video-8c0028eb2a724f48a074bc184cd8635f,3,1,1",
                "edX/DemoX/Demo_Course|i4x-edX-DemoX-video-8c0028eb2a724f48a074bc184cd8635f,4,1,1",
            ],
            ReportTestKit.Lines(Path.Combine(_dir.FullName, "video_timeline.csv")));
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "weekly_activity.csv")));
    }

    /// <summary>
    /// The edge cases of edX's reducer, one video each (made-up learners 1 to 4, course Org/C1/R):
    /// <list type="bullet">
    /// <item>v-short: a 0.2 s viewing (under 0.25 s) is dropped, the next one (2 to 7) kept: segments 0 and 1.</item>
    /// <item>v-past: duration 20; a viewing ending at 21.5 (past 20 + 1) is dropped; one ending at 20.9 kept: segments 2 to 4;
    /// the last segment is int(20) / 5 = 4, the complete point max(-10, 19) = segment 3.</item>
    /// <item>v-back: a pause before the play's time (end before start) is dropped; a pause with no currentTime ends the next
    /// viewing at 0: dropped too; nothing is written for the video.</item>
    /// <item>v-drop: unknown duration; 40 learners watch 0 to 9.9 and one watches on to 30: segment 6 has 1 learner, at most
    /// 5% of segment 1's 40, so the last segment is 1, the duration 9, and segments after it are not written.</item>
    /// <item>v-times: offsets as strings ("3.5"), a huge offset (36001, dropped) and an event out of time order in the file.</item>
    /// </list>
    /// </summary>
    /// <remarks>Also with every record spilled to the scratch folder as it comes (a worker holds one record a bucket): the same rows.</remarks>
    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    public async Task Video_EdgeCases_FollowEdxReducer(int? heldRecords)
    {
        var lines = new List<string>();
        string Ev(int user, string time, string type, string data) =>
            $$"""{"username":"u{{user}}","event_type":"{{type}}","event_source":"browser","time":"2015-03-02T10:{{time}}+00:00","context":{"user_id":{{user}},"course_id":"Org/C1/R"},"event":"{{data.Replace("\"", "\\\"", StringComparison.Ordinal)}}"}""";
        lines.Add(Ev(1, "00:00", "play_video", """{"id":"v-short","currentTime":1.0}"""));
        lines.Add(Ev(1, "00:01", "pause_video", """{"id":"v-short","currentTime":1.2}"""));
        lines.Add(Ev(1, "00:02", "play_video", """{"id":"v-short","currentTime":2}"""));
        lines.Add(Ev(1, "00:07", "pause_video", """{"id":"v-short","currentTime":7}"""));
        lines.Add(Ev(1, "01:00", "play_video", """{"id":"v-past","currentTime":0,"duration":20}"""));
        lines.Add(Ev(1, "01:21", "stop_video", """{"id":"v-past","currentTime":21.5,"duration":20}"""));
        lines.Add(Ev(1, "01:30", "play_video", """{"id":"v-past","currentTime":10,"duration":20}"""));
        lines.Add(Ev(1, "01:41", "stop_video", """{"id":"v-past","currentTime":20.9,"duration":20}"""));
        lines.Add(Ev(2, "02:00", "play_video", """{"id":"v-back","currentTime":10}"""));
        lines.Add(Ev(2, "02:01", "pause_video", """{"id":"v-back","currentTime":5}"""));
        lines.Add(Ev(2, "02:02", "play_video", """{"id":"v-back","currentTime":3}"""));
        lines.Add(Ev(2, "02:03", "pause_video", """{"id":"v-back"}"""));
        for (int u = 100; u < 140; u++)
        {
            lines.Add(Ev(u, "03:00", "play_video", """{"id":"v-drop","currentTime":0}"""));
            lines.Add(Ev(u, "03:10", "pause_video", """{"id":"v-drop","currentTime":9.9}"""));
        }

        lines.Add(Ev(3, "03:00", "play_video", """{"id":"v-drop","currentTime":0}"""));
        lines.Add(Ev(3, "03:30", "pause_video", """{"id":"v-drop","currentTime":30}"""));
        lines.Add(Ev(4, "04:09", "pause_video", """{"id":"v-times","currentTime":"9.5"}"""));
        lines.Add(Ev(4, "04:00", "play_video", """{"id":"v-times","currentTime":"3.5"}"""));
        lines.Add(Ev(4, "04:20", "play_video", """{"id":"v-times","currentTime":36001}"""));
        lines.Add(Ev(4, "04:30", "pause_video", """{"id":"v-times","currentTime":36002}"""));
        string log = Path.Combine(_dir.FullName, "in.log");
        await File.WriteAllLinesAsync(log, lines);

        string scratch = Directory.CreateDirectory(Path.Combine(_dir.FullName, "scratch")).FullName;
        using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions { Only = ["video"], VideoBlockRecords = heldRecords, ScratchDirectory = scratch });
        VideoSection video = reports.Section<VideoSection>()!;
        Assert.Equal(heldRecords is not null, video.Spill.SpilledBytes > 0);
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
        Assert.Equal(
            [
                "Org/C1/R|v-drop,9,41,41,410",
                "Org/C1/R|v-past,20,0,1,15",
                "Org/C1/R|v-short,9,1,1,10",
                "Org/C1/R|v-times,9,1,1,10",
            ],
            video.Videos!.Select(r => $"{r.PipelineVideoId},{r.Duration},{r.UsersAtStart},{r.UsersAtEnd},{r.TotalViewedSeconds}"));
        Assert.Equal(
            ["v-drop:0:41:41", "v-drop:1:41:41", "v-past:2:1:1", "v-past:3:1:1", "v-past:4:1:1", "v-short:0:1:1", "v-short:1:1:1", "v-times:0:1:1", "v-times:1:1:1"],
            video.Timeline!.Select(r => $"{r.PipelineVideoId[9..]}:{r.Segment}:{r.NumUsers}:{r.NumViews}"));
    }

    /// <summary>
    /// Cases a review found by running edX's video.py (under Python 2.7.18) beside ours; the expected rows are what that
    /// run wrote (its segments' views summed, times 5, for <c>total_viewed_seconds</c>). One course each:
    /// <list type="bullet">
    /// <item>T1, T2: two plays at one instant and offset are ordered by YouTube id (none, then the id's bytes) before their
    /// durations: the last play's duration is 50, the pause at 60 is past it, no row. T2b: the other way round, kept.</item>
    /// <item>T3: a <c>user_id</c> of 1.0 is learner 1 (<c>int(user_id)</c>); T6: <c>" 7 "</c> is 7; T7: 2.5 is 2.</item>
    /// <item>T4: an offset of 4.9999999999999 reaches the next job as 5.0 (Python 2's <c>str</c>): segments 0 and 1.</item>
    /// <item>T5: a duration of 99.99999999999999 becomes 100.0, so 100, not 99.</item>
    /// <item>T8 (not from edX's run): an escaped id and an escaped YouTube code on one play; the id stays v1 (a code
    /// review found the code unescaped over the id's bytes).</item>
    /// </list>
    /// </summary>
    [Fact]
    public async Task Video_ReviewCasesRunThroughEdxPython_SameRows()
    {
        var lines = new List<string>();
        void Ev(string course, string type, string time, string user, string data) => lines.Add(
            $$"""{"event_type":"{{type}}","time":"2020-01-01T10:{{time}}.000000+00:00","username":"u","context":{"user_id":{{user}},"course_id":"course-v1:A+B+{{course}}"},"event_source":"browser","event":"{{data.Replace("\"", "\\\"", StringComparison.Ordinal)}}"}""");
        Ev("T1", "play_video", "00:00", "1", """{"id":"v","currentTime":0,"code":"html5","duration":100}""");
        Ev("T1", "play_video", "00:00", "1", """{"id":"v","currentTime":0,"code":"abc","duration":50}""");
        Ev("T1", "pause_video", "01:00", "1", """{"id":"v","currentTime":60,"code":"html5","duration":100}""");
        Ev("T2", "play_video", "00:00", "1", """{"id":"v","currentTime":0,"code":"b","duration":50}""");
        Ev("T2", "play_video", "00:00", "1", """{"id":"v","currentTime":0,"code":"a","duration":100}""");
        Ev("T2", "pause_video", "01:00", "1", """{"id":"v","currentTime":60}""");
        Ev("T2b", "play_video", "00:00", "1", """{"id":"v","currentTime":0,"code":"b","duration":100}""");
        Ev("T2b", "play_video", "00:00", "1", """{"id":"v","currentTime":0,"code":"a","duration":50}""");
        Ev("T2b", "pause_video", "01:00", "1", """{"id":"v","currentTime":60}""");
        Ev("T3", "play_video", "00:00", "1.0", """{"id":"v","currentTime":0,"code":"html5","duration":100}""");
        Ev("T3", "pause_video", "00:20", "1", """{"id":"v","currentTime":20,"code":"html5","duration":100}""");
        Ev("T4", "play_video", "00:00", "1", """{"id":"v","currentTime":1,"code":"html5","duration":100}""");
        Ev("T4", "pause_video", "00:05", "1", """{"id":"v","currentTime":4.9999999999999,"code":"html5","duration":100}""");
        Ev("T5", "play_video", "00:00", "1", """{"id":"v","currentTime":0,"code":"html5","duration":99.99999999999999}""");
        Ev("T5", "pause_video", "00:20", "1", """{"id":"v","currentTime":20,"code":"html5","duration":99.99999999999999}""");
        Ev("T6", "play_video", "00:00", "\" 7 \"", """{"id":"v","currentTime":0,"code":"mobile"}""");
        Ev("T6", "pause_video", "00:20", "7", """{"id":"v","currentTime":20}""");
        Ev("T7", "play_video", "00:00", "2.5", """{"id":"v","currentTime":0}""");
        Ev("T7", "pause_video", "00:20", "2", """{"id":"v","currentTime":20}""");
        Ev("T8", "play_video", "00:00", "3", """{"id":"v\\u0031","code":"\\u0061bc","currentTime":0}"""); // both escaped: the id is v1
        Ev("T8", "pause_video", "00:20", "3", """{"id":"v1","currentTime":20}""");
        string log = Path.Combine(_dir.FullName, "review.log");
        await File.WriteAllLinesAsync(log, lines);

        using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions { Only = ["video"] });
        VideoSection video = reports.Section<VideoSection>()!;
        Assert.Equal(
            [
                "course-v1:A+B+T2b|v,100,1,0,65",
                "course-v1:A+B+T3|v,100,1,0,25",
                "course-v1:A+B+T4|v,100,1,0,10",
                "course-v1:A+B+T5|v,100,1,0,25",
                "course-v1:A+B+T6|v,24,1,1,25",
                "course-v1:A+B+T7|v,24,1,1,25",
                "course-v1:A+B+T8|v1,24,1,1,25",
            ],
            video.Videos!.Select(r => $"{r.PipelineVideoId},{r.Duration},{r.UsersAtStart},{r.UsersAtEnd},{r.TotalViewedSeconds}"));
        Assert.Equal(
            ["T4|v:0:1:1", "T4|v:1:1:1"],
            video.Timeline!.Where(r => r.PipelineVideoId.Contains("T4", StringComparison.Ordinal)).Select(r => $"{r.PipelineVideoId[14..]}:{r.Segment}:{r.NumUsers}:{r.NumViews}"));
    }

    /// <summary>
    /// A generated archive (and edX's acceptance logs, when present) with the video records spilled to the scratch folder
    /// almost at once (a worker holds 7 a bucket, so blocks of many owners and buckets are read back) writes the same files as
    /// with them all held; the scratch folder is empty once the run has completed.
    /// </summary>
    [Fact]
    public async Task Video_RecordsSpilledToScratch_SameFilesAsHeldAndFolderRemoved()
    {
        (string[] inputs, string scratch) = await ReportTestKit.SpillInputsAsync(_dir.FullName, events: 20_000, learners: 300);
        string held = Path.Combine(_dir.FullName, "held"), spilled = Path.Combine(_dir.FullName, "spilled");
        using (LearnerReports reports = await ReportTestKit.RunAsync(inputs, new ReportOptions { Only = ["video"], ScratchDirectory = scratch }, allowRejects: true))
        {
            Assert.Equal(0, reports.Section<VideoSection>()!.Spill.SpilledBytes);
            ReportWriter.Write(reports, held);
        }

        using (LearnerReports reports = await ReportTestKit.RunAsync(inputs, new ReportOptions { Only = ["video"], ScratchDirectory = scratch, VideoBlockRecords = 7 }, allowRejects: true))
        {
            Assert.True(reports.Section<VideoSection>()!.Spill.SpilledBytes > 0);
            Assert.Empty(Directory.GetFileSystemEntries(scratch));
            ReportWriter.Write(reports, spilled);
        }

        foreach (string file in new[] { "video.csv", "video_timeline.csv" })
        {
            string expected = await File.ReadAllTextAsync(Path.Combine(held, file));
            Assert.True(expected.Split('\n').Length > 20, file);
            Assert.Equal(expected, await File.ReadAllTextAsync(Path.Combine(spilled, file)));
        }
    }

    /// <summary>A run that ends without completing (failed, cancelled) leaves nothing in the scratch folder once its reports are disposed, and spills no more.</summary>
    [Fact]
    public void Video_ReportsDisposedBeforeCompletion_ScratchFolderRemoved()
    {
        string scratch = Directory.CreateDirectory(Path.Combine(_dir.FullName, "scratch")).FullName;
        LearnerReports reports = LearnerReports.Create(new ReportOptions { Only = ["video"], ScratchDirectory = scratch, VideoBlockRecords = 1 });
        VideoSection video = reports.Section<VideoSection>()!;
        VideoPartial partial = video.CreatePartial();
        var record = new VideoKeyedRecord(new VideoEventRecord(42, 0, VideoEventKind.Play, 1, 0, -1), 0, 7);
        partial.Add(record); // a block of 1: written at once
        string folder = Assert.Single(Directory.GetFileSystemEntries(scratch));
        Assert.StartsWith("xanalytics-video-", Path.GetFileName(folder), StringComparison.Ordinal);

        reports.Dispose();
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
        Assert.Throws<OperationCanceledException>(() => partial.Add(record));
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
    }
}
