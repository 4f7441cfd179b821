namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="AnswerDistributionSection"/>: one per worker thread.</summary>
public sealed class AnswerDistributionPartial
{
    internal AnswerDistributionPartial()
    {
    }

    /// <summary>Per course, learner (an id of <see cref="Names"/>) and problem id hash, the learner's problems (a list: ids sharing a hash).</summary>
    internal Dictionary<(int Course, int User, ulong Problem), List<AnswerDistributionState>> Problems { get; } = [];

    internal UsernameTable Names { get; } = new();

    internal byte[] Unescaped { get; set; } = new byte[256];

    /// <summary>The index of a submission's event data (reused).</summary>
    internal XAnalytics.Formats.TopField[] Fields = new XAnalytics.Formats.TopField[32];

    /// <summary>The compact copy of a submission being offered (reused).</summary>
    internal byte[] CompactBuffer = new byte[1024];
}
