namespace XAnalytics.Reports;

/// <summary>
/// One row of <see cref="ForumActivityRowList"/>, compact (16 bytes): the day, the course's and the username's ranks
/// (their ordinal order), and where its counts are (-1: all zero, as most rows are).
/// </summary>
/// <param name="Day">The UTC day number (the week's last day for a weekly row).</param>
/// <param name="Course">The course's rank.</param>
/// <param name="User">The username's rank.</param>
/// <param name="Counts">The index of its counts in the list's counts, or -1 for zeros.</param>
internal readonly record struct ForumActivityItem(int Day, int Course, int User, int Counts) : IComparable<ForumActivityItem>
{
    /// <summary>The table's order: day, course, username.</summary>
    public int CompareTo(ForumActivityItem other)
    {
        int c = Day.CompareTo(other.Day);
        c = c != 0 ? c : Course.CompareTo(other.Course);
        return c != 0 ? c : User.CompareTo(other.User);
    }
}
