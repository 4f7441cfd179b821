using XAnalytics.Formats;

namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="VideoSection"/>: one per worker thread.</summary>
public sealed class VideoPartial
{
    internal VideoPartial()
    {
    }

    /// <summary>The kept video events per course and video (module hash), compact (see <see cref="VideoEventRecord"/>), in arrival order.</summary>
    internal Dictionary<(int Course, ulong Module), List<VideoEventRecord>> Videos { get; } = [];

    // The list of the last event's video: a learner's events on a video come in runs.
    internal (int Course, ulong Module) LastKey { get; set; } = (-1, 0);

    internal List<VideoEventRecord>? LastList { get; set; }

    /// <summary>The videos' encoded module ids by hash.</summary>
    internal EdxStringTable Modules { get; } = new();

    /// <summary>A buffer for unescaping ids.</summary>
    internal byte[] Scratch { get; set; } = new byte[256];

    /// <summary>A browser event's <c>event</c> string, decoded (see <see cref="EdxEventData"/>).</summary>
    internal byte[] DataBuffer { get; set; } = new byte[1024];

    /// <summary>The index of the <c>event</c> object's members.</summary>
    internal TopField[] DataFields { get; set; } = new TopField[32];
}
