using XAnalytics.Events;

namespace XAnalytics.Pipeline;

/// <summary>A file that could not be read to its end.</summary>
/// <param name="File">The file.</param>
/// <param name="Reason">What is wrong, in words.</param>
/// <param name="LinesBeforeFault">Lines read from it before the fault (they were processed).</param>
public sealed record BadFile(SourceFile File, string Reason, long LinesBeforeFault);
