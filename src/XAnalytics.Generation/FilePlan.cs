namespace XAnalytics.Generation;

/// <summary>One file to write: which server, which time window, how many lines, which seed.</summary>
internal sealed record FilePlan(
    int Index,
    string Server,
    string Path,
    long FromSeconds,
    long ToSeconds,
    long Lines,
    ulong Seed);
