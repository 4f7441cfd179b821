namespace XAnalytics.Pipeline;

/// <summary>Decides from a line's raw UTF-8 bytes, before any parsing, whether it may be an event of interest.</summary>
/// <param name="line">The line, without its newline.</param>
/// <returns>False to leave the line out (counted as filtered, not rejected).</returns>
public delegate bool LinePredicate(ReadOnlySpan<byte> line);
