namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="ProblemResponseSection"/>: one per worker thread.</summary>
public sealed class ProblemResponsePartial
{
    internal ProblemResponsePartial()
    {
    }

    /// <summary>Per course, learner (an id of <see cref="Names"/>) and problem id hash, the learner's problems (a list: ids sharing a hash).</summary>
    internal Dictionary<(int Course, int User, ulong Problem), List<ProblemResponseState>> Problems { get; } = [];

    internal UsernameTable Names { get; } = new();

    /// <summary>The problem ids (and display names) the states share, one copy each.</summary>
    internal ByteInterner Texts { get; } = new();

    internal EdxEventDataCheck EventData { get; } = new();

    internal byte[] Unescaped { get; set; } = new byte[256];

    private XAnalytics.Formats.TopField[] _fields = new XAnalytics.Formats.TopField[32];
    private byte[] _compact = new byte[1024];

    /// <summary>The members of a submission's event data, indexed into this worker's buffer.</summary>
    internal XAnalytics.Events.ObjectMembers Index(ReadOnlySpan<byte> eventData) => new(eventData, ref _fields);

    /// <summary>The compact copy of a submission (see <see cref="ProblemResponseSection.Compact"/>), in this worker's buffer until its next call.</summary>
    internal ReadOnlySpan<byte> Compact(in XAnalytics.Events.ObjectMembers eventData) => ProblemResponseSection.Compact(eventData, ref _compact);
}
