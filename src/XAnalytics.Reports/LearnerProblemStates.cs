using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// The common start of the partial states of problem response and answer distribution, which both keep a state per
/// course, learner and problem: the courses and usernames used, written as names, then the states in a fixed order
/// (course name, username, problem id bytes), so a partial's bytes do not depend on the threads that made it.
/// </summary>
internal static class LearnerProblemStates
{
    /// <summary>
    /// Writes the courses and usernames <paramref name="problems"/> uses, and returns its states with the written
    /// course and username numbers, sorted (<paramref name="next"/>: the state sharing a key's hash after it, or null).
    /// </summary>
    public static List<(int Course, int User, TState State)> WriteNamesAndOrder<TState>(
        PartialWriter writer, CourseTable courseTable, UsernameTable names, Dictionary<(int Course, int User, ulong Problem), TState> problems, Func<TState, byte[]> problemId,
        Func<TState, TState?> next)
        where TState : class
    {
        var usedCourses = new HashSet<int>();
        var usedUsers = new HashSet<int>();
        foreach ((int course, int user, ulong _) in problems.Keys)
        {
            usedCourses.Add(course);
            usedUsers.Add(user);
        }

        int[] courses = courseTable.WriteSorted(writer, usedCourses);
        int[] users = PartialNames.Write(writer, names, usedUsers);
        var entries = new List<(int Course, int User, TState State)>();
        foreach (KeyValuePair<(int Course, int User, ulong Problem), TState> kv in problems)
        {
            for (TState? s = kv.Value; s is not null; s = next(s))
            {
                entries.Add((courses[kv.Key.Course], users[kv.Key.User], s));
            }
        }

        entries.Sort((a, b) =>
        {
            int c = a.Course.CompareTo(b.Course);
            c = c != 0 ? c : a.User.CompareTo(b.User);
            return c != 0 ? c : problemId(a.State).AsSpan().SequenceCompareTo(problemId(b.State));
        });
        return entries;
    }
}
