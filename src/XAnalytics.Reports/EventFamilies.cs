namespace XAnalytics.Reports;

/// <summary>Classifies event types into <see cref="EventFamily"/> from their UTF-8 bytes.</summary>
internal static class EventFamilies
{
    private static readonly string[] s_names = ["video", "problem", "navigation", "forum", "enrollment", "page", "other"];

    /// <summary>The family's name as written in the reports (lower case).</summary>
    public static string Name(EventFamily family) => s_names[(int)family];

    public static EventFamily Classify(ReadOnlySpan<byte> type)
    {
        if (type.IsEmpty)
        {
            return EventFamily.Other;
        }

        if (type.StartsWith("edx.course.enrollment."u8))
        {
            return EventFamily.Enrollment;
        }

        if (type[0] == (byte)'/' || type.SequenceEqual("page_close"u8))
        {
            return EventFamily.Page;
        }

        if (type.StartsWith("edx.forum."u8) || type.StartsWith("edx.discussion."u8))
        {
            return EventFamily.Forum;
        }

        if (type.EndsWith("_video"u8) || type.StartsWith("edx.video."u8) || type.EndsWith("_transcript"u8))
        {
            return EventFamily.Video;
        }

        if (type.IndexOf("problem"u8) >= 0 || type.SequenceEqual("showanswer"u8))
        {
            return EventFamily.Problem;
        }

        if (type.StartsWith("seq_"u8) || type.StartsWith("edx.ui.lms."u8) || type.StartsWith("edx.course.home."u8))
        {
            return EventFamily.Navigation;
        }

        return EventFamily.Other;
    }
}
