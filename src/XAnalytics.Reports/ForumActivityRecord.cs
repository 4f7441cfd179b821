namespace XAnalytics.Reports;

/// <summary>
/// One learner's forum counts of a course and day as a worker hands them to its learner bucket
/// (<see cref="HeldRecords{T}"/>, spilled by <see cref="BucketSpill{T}"/>): no references. A key may come in several
/// records (from several workers, or one worker's table emptied more than once): the end of the run adds them up.
/// </summary>
/// <param name="Day">The UTC day number.</param>
/// <param name="Course">The course id.</param>
/// <param name="User">The username's hash (<see cref="EdxStringTable"/>).</param>
/// <param name="Counts">The counts.</param>
internal readonly record struct ForumActivityRecord(int Day, int Course, ulong User, ForumCounts Counts)
{
    /// <summary>Learner, course, then day: a learner's days in a course together, in order (their weeks follow one another).</summary>
    public readonly struct LearnerOrder : IComparer<ForumActivityRecord>
    {
        public int Compare(ForumActivityRecord x, ForumActivityRecord y)
        {
            int c = x.User.CompareTo(y.User);
            c = c != 0 ? c : x.Course.CompareTo(y.Course);
            return c != 0 ? c : x.Day.CompareTo(y.Day);
        }
    }
}
