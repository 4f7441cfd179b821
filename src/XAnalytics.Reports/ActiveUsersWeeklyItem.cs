namespace XAnalytics.Reports;

/// <summary>One row of <see cref="ActiveUsersWeeklyRowList"/>, compact (8 bytes): the week's Monday and the username's rank (ordinal order).</summary>
/// <param name="Week">The Monday's day number.</param>
/// <param name="User">The username's rank.</param>
internal readonly record struct ActiveUsersWeeklyItem(int Week, int User) : IComparable<ActiveUsersWeeklyItem>
{
    /// <summary>The table's order: week, username.</summary>
    public int CompareTo(ActiveUsersWeeklyItem other)
    {
        int c = Week.CompareTo(other.Week);
        return c != 0 ? c : User.CompareTo(other.User);
    }
}
