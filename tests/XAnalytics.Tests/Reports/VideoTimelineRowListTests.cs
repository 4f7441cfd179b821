using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary>The video timeline as it is kept (flat arrays by video): read by index, in order, by video, and written.</summary>
public sealed class VideoTimelineRowListTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Videos a (2 rows), b (none), c (3 rows), d (none, last): the rows of c start where b's (empty) range does.</summary>
    private static VideoTimelineRowList Sample() => new(
        ["a", "b", "c", "d"],
        [("C", "a"), ("C", "b"), ("C", "c"), ("C", "d")],
        [0, 2, 2, 5, 5],
        [0, 3, 1, 2, 7],
        [10, 9, 4, 3, 1],
        [11, 12, 5, 6, 2]);

    private static readonly string[] s_expected = ["a:0:10:11", "a:3:9:12", "c:1:4:5", "c:2:3:6", "c:7:1:2"];

    [Fact]
    public void Indexer_EveryRow_SameAsEnumerationWithVideosWithoutRowsSkipped()
    {
        VideoTimelineRowList rows = Sample();

        Assert.Equal(5, rows.Count);
        Assert.Equal(s_expected, rows.Select(static r => $"{r.PipelineVideoId}:{r.Segment}:{r.NumUsers}:{r.NumViews}"));
        Assert.Equal(s_expected, Enumerable.Range(0, rows.Count).Select(i => rows[i]).Select(static r => $"{r.PipelineVideoId}:{r.Segment}:{r.NumUsers}:{r.NumViews}"));
        Assert.Throws<ArgumentOutOfRangeException>(() => rows[5]);
        Assert.Throws<ArgumentOutOfRangeException>(() => rows[-1]);
    }

    [Fact]
    public void Find_VideoWithRows_ItsSegmentsAndLearners()
    {
        VideoTimelineRowList rows = Sample();

        int c = rows.Find("C", "c");
        Assert.Equal(2, c);
        Assert.Equal([1, 2, 7], rows.Segments(c).ToArray());
        Assert.Equal([4L, 3L, 1L], rows.Users(c).ToArray());
        Assert.Equal([0, 3], rows.Segments(rows.Find("C", "a")).ToArray());
        Assert.Equal(-1, rows.Find("C", "b"));
        Assert.Equal(-1, rows.Find("C", "d"));
        Assert.Equal(-1, rows.Find("C", "zz"));
        Assert.Equal(-1, rows.Find("D", "a"));
    }

    /// <summary>Two videos whose pipeline_video_id is the same text ("C|x|v": course C, module x|v, and course C|x, module v) are found apart.</summary>
    [Fact]
    public void Find_SamePipelineIdForTwoVideos_EachItsOwnRows()
    {
        var rows = new VideoTimelineRowList(["C|x|v", "C|x|v"], [("C", "x|v"), ("C|x", "v")], [0, 1, 3], [4, 0, 1], [7, 2, 3], [7, 2, 3]);

        Assert.Equal([4], rows.Segments(rows.Find("C", "x|v")).ToArray());
        Assert.Equal([0, 1], rows.Segments(rows.Find("C|x", "v")).ToArray());
        Assert.Equal([2L, 3L], rows.Users(rows.Find("C|x", "v")).ToArray());
    }

    [Fact]
    public void WriteTo_Csv_TheRowsInOrder()
    {
        using (var table = new ReportTable(_dir.Root, "video_timeline", ReportFormat.Csv, ReportTable.Text("pipeline_video_id"), ReportTable.Count("segment"),
            ReportTable.Count("num_users"), ReportTable.Count("num_views")))
        {
            Sample().WriteTo(table);
            table.Complete();
        }

        Assert.Equal("pipeline_video_id,segment,num_users,num_views\na,0,10,11\na,3,9,12\nc,1,4,5\nc,2,3,6\nc,7,1,2\n",
            File.ReadAllText(_dir.PathOf("video_timeline.csv")).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Empty_NoVideos_NoRows()
    {
        var rows = new VideoTimelineRowList([], [], [0], [], [], []);

        Assert.Empty(rows);
        Assert.Equal(-1, rows.Find("C", "a"));
    }
}
