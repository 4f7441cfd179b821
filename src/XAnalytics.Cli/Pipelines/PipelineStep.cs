namespace XAnalytics.Cli.Pipelines;

/// <summary>One step of a pipeline file: its name and options, with where it stands in the file.</summary>
internal sealed record PipelineStep(string Name, StepOptions Options);
