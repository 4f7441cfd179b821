namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="AnswerDistributionSection"/>: one per worker thread.</summary>
public sealed class AnswerDistributionPartial
{
    internal AnswerDistributionPartial()
    {
    }

    /// <summary>Per course, learner (an id of <see cref="Names"/>) and problem id hash, the learner's problem (states of ids sharing a hash chain on their Next).</summary>
    internal Dictionary<(int Course, int User, ulong Problem), AnswerDistributionState> Problems { get; } = [];

    internal UsernameTable Names { get; } = new();

    /// <summary>The problem ids, display names and compacted submissions the states share, one copy each (see <see cref="ByteInterner"/>).</summary>
    internal ByteInterner Texts { get; } = new();

    internal byte[] Unescaped { get; set; } = new byte[256];
}
