namespace XAnalytics.Cli.Pipelines;

/// <summary>A pipeline file that cannot be used: the message names the file, line and column.</summary>
internal sealed class PipelineFileException : Exception
{
    public PipelineFileException(string message)
        : base(message)
    {
    }

    public PipelineFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PipelineFileException()
    {
    }
}
