using XAnalytics.Pipeline;

namespace XAnalytics.Cli.Pipelines;

/// <summary>A sink for a run, and what to print once the run is over (null when it writes files).</summary>
internal sealed record SinkPlan(IEventSink Sink, Action<TextWriter>? WriteResults = null);
