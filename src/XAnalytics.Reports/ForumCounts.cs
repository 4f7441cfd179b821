using System.Runtime.InteropServices;

namespace XAnalytics.Reports;

/// <summary>One learner's forum counts in a course over a day (or a week).</summary>
[StructLayout(LayoutKind.Auto)]
internal struct ForumCounts
{
    public long Posts;
    public long Responses;
    public long Comments;
    public long UpvotesGiven;
    public long UpvotesReceived;

    public void Add(in ForumCounts other)
    {
        Posts += other.Posts;
        Responses += other.Responses;
        Comments += other.Comments;
        UpvotesGiven += other.UpvotesGiven;
        UpvotesReceived += other.UpvotesReceived;
    }
}
