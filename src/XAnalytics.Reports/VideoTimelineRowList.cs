using System.Collections;

namespace XAnalytics.Reports;

/// <summary>
/// <see cref="VideoSection.Timeline"/>: the rows kept as three flat arrays (segment, learners, views: 20 bytes a row),
/// video after video in <c>pipeline_video_id</c> order, each <see cref="VideoTimelineRow"/> made when read. A row object
/// each (with the list's reference) took about 50 bytes a row, and the course pages grouped them again by video: over
/// 1M generated events in 500 courses (15,380 videos, 1.18M timeline rows) the video section alone peaked at 244 MiB
/// against 84 MiB with 5 courses.
/// </summary>
internal sealed class VideoTimelineRowList : IReadOnlyList<VideoTimelineRow>
{
    private readonly string[] _ids;
    private readonly int[] _starts;
    private readonly int[] _segments;
    private readonly long[] _users;
    private readonly long[] _views;
    private readonly Dictionary<(string Course, string Module), int> _byVideo;

    /// <param name="ids">Each video's <c>pipeline_video_id</c>, in order.</param>
    /// <param name="videos">Each video's course and encoded module id, in the same order.</param>
    /// <param name="starts">Where each video's rows start, and one more entry: the row count.</param>
    /// <param name="segments">Each row's segment.</param>
    /// <param name="users">Each row's learners.</param>
    /// <param name="views">Each row's views.</param>
    public VideoTimelineRowList(string[] ids, (string Course, string Module)[] videos, int[] starts, int[] segments, long[] users, long[] views)
    {
        _ids = ids;
        _starts = starts;
        _segments = segments;
        _users = users;
        _views = views;

        // By course and module, not by pipeline_video_id: "course|module" can be the same text for two videos when
        // either holds a '|'.
        _byVideo = new Dictionary<(string, string), int>(videos.Length);
        for (int v = 0; v < videos.Length; v++)
        {
            _byVideo[videos[v]] = v;
        }
    }

    public int Count => _segments.Length;

    public VideoTimelineRow this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);

            // The last video whose rows start at or before the index (videos without rows have empty ranges).
            int found = Array.BinarySearch(_starts, 0, _ids.Length, index);
            int video = found >= 0 ? LastStartingAt(found) : ~found - 1;
            return Row(video, index);
        }
    }

    /// <summary>The index of the video of course <paramref name="course"/> and module <paramref name="module"/>, or -1 when it has no rows.</summary>
    public int Find(string course, string module)
        => _byVideo.TryGetValue((course, module), out int video) && _starts[video] < _starts[video + 1] ? video : -1;

    /// <summary>The segments of video <paramref name="video"/>'s rows, in order.</summary>
    public ReadOnlySpan<int> Segments(int video) => _segments.AsSpan(_starts[video], _starts[video + 1] - _starts[video]);

    /// <summary>The learners of video <paramref name="video"/>'s rows, in the order of <see cref="Segments"/>.</summary>
    public ReadOnlySpan<long> Users(int video) => _users.AsSpan(_starts[video], _starts[video + 1] - _starts[video]);

    /// <summary>Adds the rows to <paramref name="table"/> straight from the arrays: no row object is made.</summary>
    public void WriteTo(ReportTable table)
    {
        for (int v = 0; v < _ids.Length; v++)
        {
            string id = _ids[v];
            for (int i = _starts[v]; i < _starts[v + 1]; i++)
            {
                table.Add(id).Add(_segments[i]).Add(_users[i]).Add(_views[i]).EndRow();
            }
        }
    }

    public IEnumerator<VideoTimelineRow> GetEnumerator()
    {
        for (int v = 0; v < _ids.Length; v++)
        {
            for (int i = _starts[v]; i < _starts[v + 1]; i++)
            {
                yield return Row(v, i);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private VideoTimelineRow Row(int video, int index) => new(_ids[video], _segments[index], _users[index], _views[index]);

    /// <summary>Of the videos starting at the same row (those before it have none), the last: the one the row is in.</summary>
    private int LastStartingAt(int video)
    {
        while (video + 1 < _ids.Length && _starts[video + 1] == _starts[video])
        {
            video++;
        }

        return video;
    }
}
