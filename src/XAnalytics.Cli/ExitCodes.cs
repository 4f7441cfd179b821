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

    /// <summary>Cancelled (Ctrl+C, SIGINT); a run ended by another signal exits with <see cref="Signalled"/>.</summary>
    public const int Cancelled = 130;

    /// <summary>Ended by SIGTERM.</summary>
    public const int Terminated = 143;

    /// <summary>Ended by SIGHUP.</summary>
    public const int HungUp = 129;

    /// <summary>The exit code of a run a signal ended: 128 + the signal's number, as shells report it.</summary>
    public static int Signalled(System.Runtime.InteropServices.PosixSignal signal) => signal switch
    {
        System.Runtime.InteropServices.PosixSignal.SIGTERM => Terminated,
        System.Runtime.InteropServices.PosixSignal.SIGHUP => HungUp,
        _ => Cancelled,
    };
}
