namespace XAnalytics.Generation;

/// <summary>A browsing (or app) session: the learner, its 32-hex id, where it came from.</summary>
internal struct SessionState
{
    public ulong IdHigh;

    public ulong IdLow;

    public ulong IpBits;

    /// <summary>Learner index, or -1 for a visitor who is not logged in.</summary>
    public int Learner;

    public int Agent;

    public bool Mobile;
}
