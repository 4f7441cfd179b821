namespace XAnalytics.Sources;

/// <summary>What became of one file.</summary>
/// <param name="Lines">Non-blank lines read and handed on (or rejected as too long).</param>
/// <param name="Fault">Why the file could not be read to its end, or null.</param>
internal readonly record struct FileReadOutcome(long Lines, string? Fault);
