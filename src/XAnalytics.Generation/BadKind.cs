namespace XAnalytics.Generation;

/// <summary>How a line is spoiled, if it is.</summary>
internal enum BadKind : byte
{
    None,
    TruncateRandom,
    Truncate2043,
    Truncate10000,
    Truncate32000,
    NotJson,
    Blank,
}
