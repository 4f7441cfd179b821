namespace XAnalytics.Reports.Learners;

/// <summary>Classifies an event type into <see cref="TaskKinds"/> (the rules are on <see cref="TaskKinds"/>), on its UTF-8 bytes.</summary>
internal static class TaskKindRules
{
    /// <summary>True for the types edx2bigquery leaves out of time on task and person-course counts (<c>/xblock/</c> handler calls).</summary>
    public static bool IsLeftOut(ReadOnlySpan<byte> type) => type.IndexOf("/xblock/"u8) >= 0;

    public static TaskKinds Classify(ReadOnlySpan<byte> type)
    {
        TaskKinds kinds = TaskKinds.None;
        if (HasWordThen(type, "_video"u8) || HasWordThen(type, "_transcript"u8))
        {
            kinds |= TaskKinds.Video;
        }

        if (HasThenWord(type, "problem_"u8))
        {
            kinds |= TaskKinds.Problem;
        }

        if (type.StartsWith("edx.forum."u8) || type.IndexOf("/discussion/forum"u8) >= 0 || type.IndexOf("/discussion/threads"u8) >= 0
            || type.IndexOf("/discussion/comments"u8) >= 0)
        {
            kinds |= TaskKinds.Forum;
        }

        if (type.StartsWith("textbook."u8) || type.IndexOf("/wiki/"u8) >= 0)
        {
            kinds |= TaskKinds.Text;
        }

        return kinds;
    }

    /// <summary><c>\w+</c> then <paramref name="tail"/>, anywhere.</summary>
    private static bool HasWordThen(ReadOnlySpan<byte> type, ReadOnlySpan<byte> tail)
    {
        int from = 0;
        while (from < type.Length)
        {
            int at = type[from..].IndexOf(tail);
            if (at < 0)
            {
                return false;
            }

            at += from;
            if (at > 0 && IsWord(type[at - 1]))
            {
                return true;
            }

            from = at + 1;
        }

        return false;
    }

    /// <summary><paramref name="head"/> then <c>\w</c>, anywhere.</summary>
    private static bool HasThenWord(ReadOnlySpan<byte> type, ReadOnlySpan<byte> head)
    {
        int from = 0;
        while (from < type.Length)
        {
            int at = type[from..].IndexOf(head);
            if (at < 0)
            {
                return false;
            }

            at += from;
            if (at + head.Length < type.Length && IsWord(type[at + head.Length]))
            {
                return true;
            }

            from = at + 1;
        }

        return false;
    }

    private static bool IsWord(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (byte)'_';
}
