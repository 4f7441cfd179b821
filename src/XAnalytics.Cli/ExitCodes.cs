namespace XAnalytics.Cli;

/// <summary>What the process's exit code means; documented in --help and the README.</summary>
internal static class ExitCodes
{
    /// <summary>Every file read to its end, no line rejected.</summary>
    public const int Clean = 0;

    /// <summary>The run failed (a strict run's bad file, an I/O error, a bug).</summary>
    public const int Failed = 1;

    /// <summary>Bad command line or settings: nothing was read.</summary>
    public const int Usage = 2;

    /// <summary>The run finished, but some lines were rejected or some files were bad (see the summary).</summary>
    public const int DataProblems = 3;

    /// <summary>Cancelled (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
