using System.CommandLine;
using System.Runtime.InteropServices;
using XAnalytics.Cli.Commands;

namespace XAnalytics.Cli;

internal static class Program
{
    // Commands map their own failures to exit codes (CommandRunner.GuardAsync); parse errors print usage.
    public static async Task<int> Main(string[] args)
    {
        // The engine's vector code is jitted on the other core while the command line and settings are read.
        _ = EventPipeline.WarmUpAsync();
        // SIGINT, SIGTERM or SIGHUP cancels the run: blocks stop, the staging folder is deleted, nothing is published,
        // and the exit code is 128 + the signal (130, 143, 129). A run that has not stopped a second later (a thread
        // blocked in open() on a FIFO or a hung network mount does not see a cancellation) is ended anyway, as is
        // one that gets a second signal; Environment.Exit runs the engine's process-exit clean-up of staging folders.
        using var cancel = new CancellationTokenSource();
        int signalled = 0;
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            int code = ExitCodes.Signalled(context.Signal);
            if (Interlocked.CompareExchange(ref signalled, code, 0) != 0)
            {
                ExitSoon(Volatile.Read(ref signalled), TimeSpan.Zero);
                return;
            }

            // The deadline first, and the cancellation off this thread: the token's callbacks run inside Cancel, and one
            // that waits on a blocked reader must not hold up the signal's handling.
            ExitSoon(code, TimeSpan.FromSeconds(1));
            _ = cancel.CancelAsync();
        }

        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using PosixSignalRegistration sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
        int exit = await RunAsync(args, new InvocationConfiguration { ProcessTerminationTimeout = null }, cancel.Token);
        return Volatile.Read(ref signalled) is int code and not 0 ? code : exit;
    }

    /// <summary>
    /// Ends the process with <paramref name="code"/> after <paramref name="delay"/>, from a thread of its own: not the
    /// signal's, and not the thread pool's, which the stuck run may hold.
    /// </summary>
    private static void ExitSoon(int code, TimeSpan delay)
    {
        var thread = new Thread(() =>
        {
            Thread.Sleep(delay);
            Console.Error.WriteLine(delay == TimeSpan.Zero ? "xanalytics: stopped" : "xanalytics: cancelled (the run did not stop within a second; stopped)");
            Environment.Exit(code);
        })
        {
            IsBackground = true,
            Name = "xanalytics exit",
        };
        thread.Start();
    }

    /// <summary>
    /// Parses and runs a command line. A line that does not parse prints its errors and the usage and gives the
    /// usage exit code (2), as every command's help says, not the parser's own 1.
    /// </summary>
    internal static async Task<int> RunAsync(string[] args, InvocationConfiguration configuration, CancellationToken cancellationToken)
    {
        // Only the command asked for is built (the whole tree for anything else: help, a typo, options first):
        // building all twelve took 12 ms of a 80 ms start.
        string? only = args.Length > 0 && Array.Exists(Commands, c => c.Name == args[0]) ? args[0] : null;
        ParseResult parsed = BuildRoot(only).Parse(args);
        if (UnknownOptionError(parsed) is { } unknown)
        {
            await configuration.Error.WriteLineAsync($"xanalytics {parsed.CommandResult.Command.Name}: {unknown}");
            return ExitCodes.Usage;
        }

        int exit = await parsed.InvokeAsync(configuration, cancellationToken);
        return parsed.Errors.Count > 0 ? ExitCodes.Usage : exit;
    }

    /// <summary>
    /// An option the command does not know, left unmatched because no argument could take it (OUT given already):
    /// the parser's "Unrecognized command or argument" with the nearest known name instead. (Where an argument takes
    /// it, <see cref="UnknownOptions"/> catches it.)
    /// </summary>
    private static string? UnknownOptionError(ParseResult parsed)
    {
        foreach (string token in parsed.UnmatchedTokens)
        {
            if (UnknownOptions.LooksLikeOption(token))
            {
                return UnknownOptions.Describe(token, parsed.CommandResult.Command);
            }
        }

        return null;
    }

    /// <summary>The commands, in the order help lists them, by the name each one's factory gives it (a test holds the two equal).</summary>
    internal static (string Name, Func<Command> Create)[] Commands { get; } =
    [
        ("demo", DemoCommand.Create),
        ("count", CountCommand.Create),
        ("convert", ConvertCommand.Create),
        ("cat", CatCommand.Create),
        ("select", SelectCommand.Create),
        ("schema", SchemaCommand.Create),
        ("report", ReportCommand.Create),
        ("export-events", ExportEventsCommand.Create),
        ("learners", LearnersCommand.Create),
        ("release", ReleaseCommand.Create),
        ("generate", GenerateCommand.Create),
        ("run", RunCommand.Create),
        ("desensitize", DesensitizeCommand.Create),
        ("filter", FilterCommand.Create),
        ("sort", SortCommand.Create),
        ("shard", ShardCommand.Create),
        ("plan", PlanCommand.Create),
        ("merge", MergeCommand.Create),
        ("cia", CiaCommand.Create),
    ];

    /// <summary>
    /// The command tree, or with <paramref name="only"/> the root with that one command (tests invoke it in-process
    /// with their own output writers).
    /// </summary>
    public static RootCommand BuildRoot(string? only = null)
    {
        var root = new RootCommand(
            "xanalytics: fast analytics over Open edX tracking logs (gzip JSON lines, whole directory trees).\n"
            + "Settings come from /etc/xanalytics[.yaml], ~/.xanalytics[.yaml], --config FILE or $XANALYTICS_CONFIG, then --set key=value.\n"
            + "Environment: XANALYTICS_INFLATER=zlib (gzip without ISA-L), XANALYTICS_BSON_TRUST=0 (check every BSON document even in\n"
            + "chunks whose hash matches manifest.json), XANALYTICS_DEBUG=1 (stack traces).");
        foreach ((string name, Func<Command> create) in Commands)
        {
            if (only is null || only == name)
            {
                root.Subcommands.Add(create());
            }
        }

        root.Options.Add(GlobalOptions.Config);
        root.Options.Add(GlobalOptions.Set);
        UnknownOptions.AddTo(root);
        return root;
    }
}
