namespace XAnalytics.Reports;

/// <summary>
/// The courses a section's partial counted in, by id (<see cref="CourseTable"/>), one bit each: marked per entry on the
/// hot path without a hash lookup, merged by OR, and ranked by name once at the end (rows carry the rank).
/// </summary>
internal sealed class CourseSet
{
    private ulong[] _words = new ulong[1];

    /// <summary>Marks course <paramref name="course"/> (an id of the run's <see cref="CourseTable"/>).</summary>
    public void Mark(int course)
    {
        int word = course >> 6;
        if (word >= _words.Length)
        {
            GrowTo(Math.Max(word + 1, _words.Length * 2));
        }

        _words[word] |= 1UL << (course & 63);
    }

    /// <summary>Adds <paramref name="other"/>'s courses.</summary>
    public void UnionWith(CourseSet other)
    {
        ulong[] theirs = other._words;
        if (theirs.Length > _words.Length)
        {
            GrowTo(theirs.Length);
        }

        for (int i = 0; i < theirs.Length; i++)
        {
            _words[i] |= theirs[i];
        }
    }

    /// <summary>
    /// The marked courses in name order (ordinal) and each id's rank among them (<c>Rank[id]</c>; ids not marked have
    /// no meaningful rank).
    /// </summary>
    public (int[] Rank, string[] Names) Ranks(CourseTable table)
    {
        var courses = new List<(int Id, string Name)>();
        for (int w = 0; w < _words.Length; w++)
        {
            for (ulong bits = _words[w]; bits != 0; bits &= bits - 1)
            {
                int id = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                courses.Add((id, table.Name(id)));
            }
        }

        courses.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        int[] rank = new int[_words.Length * 64];
        string[] names = new string[courses.Count];
        for (int c = 0; c < courses.Count; c++)
        {
            rank[courses[c].Id] = c;
            names[c] = courses[c].Name;
        }

        return (rank, names);
    }

    private void GrowTo(int length)
    {
        ulong[] grown = new ulong[length];
        _words.CopyTo(grown, 0);
        _words = grown;
    }
}
