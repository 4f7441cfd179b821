namespace XAnalytics.Reports;

/// <summary>
/// Where one answer stands in edX's sort of a part's answers (by time, then, where edX compares the answers' JSON
/// text, by learner (username hash) and first before last; then by problem id, so that equal keys, which edX's sort
/// leaves in any order, still give one result), with the learner's problem and display name (text ids; -1: none). The
/// display name is not compared.
/// </summary>
internal readonly record struct AnswerKey(long Ticks, ulong User, bool First, int ProblemId, int DisplayName)
{
    /// <summary>Compares by time, learner, first before last, then problem id as <see cref="string.CompareOrdinal(string, string)"/> orders its text.</summary>
    public int CompareTo(in AnswerKey other, InternedBytes texts)
    {
        int c = Ticks.CompareTo(other.Ticks);
        c = c != 0 ? c : User.CompareTo(other.User);
        c = c != 0 ? c : other.First.CompareTo(First);
        return c != 0 || ProblemId == other.ProblemId ? c : InternedBytes.CompareOrdinal(texts[ProblemId], texts[other.ProblemId]);
    }
}
