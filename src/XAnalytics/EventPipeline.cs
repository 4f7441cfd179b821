using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Sources;

namespace XAnalytics;

/// <summary>
/// Builds and runs the graph of a run: read files (several at once) → frame lines → parse → stages → sink,
/// as bounded, back-pressured TPL Dataflow blocks that pass batches.
/// </summary>
/// <example>
/// <code>
/// var byType = new CountAggregate([FieldPath.Parse("event_type")]);
/// RunResult result = await EventPipeline.RunAsync(
///     new PipelineOptions { Source = new() { Inputs = ["/data/tracking"] } },
///     stages: [],
///     sink: new AggregateSink&lt;CountTable&gt;(byType));
/// foreach (CountRow row in byType.Result!.Rows) Console.WriteLine($"{row.Values[0]}\t{row.Count}");
/// </code>
/// </example>
/// <remarks>
/// <para>Faults: Dataflow carries completion and faults downstream only. Every block here takes the run's
/// cancellation token, and a fault in any block cancels it, so the blocks before it stop and no reader stays
/// blocked on a full block. The first real exception is the run's; cancellations it caused are not.</para>
/// <para>Order: when the sink needs input order, each file is read into a small bounded lane of its own and the
/// lanes are drained in file order, with at most <see cref="PipelineOptions.Readers"/> files open ahead; the
/// parallel blocks keep that order (<c>EnsureOrdered</c>). Otherwise readers post straight into parsing.</para>
/// </remarks>
public static class EventPipeline
{
    /// <summary>Starts a run. Fails at once (before reading) on bad options or a missing input.</summary>
    public static PipelineRun Start(PipelineOptions options, IReadOnlyList<IEventStage> stages, IEventSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(sink);
        PipelineOptions o = options.Validated();
        FileSource files = FileSource.Plan(o.Source);
        return new PipelineRun(o, files, stages, sink, cancellationToken);
    }

    /// <summary>
    /// Starts a run over <paramref name="files"/>, a listing already made with <see cref="FileSource.Plan"/> from
    /// <paramref name="options"/>' <see cref="PipelineOptions.Source"/> (perhaps narrowed with <see cref="FileSource.Only"/>):
    /// the inputs are not listed again. The source options still say how the files are read (stores, standard input,
    /// format). Fails at once (before reading) on bad options.
    /// </summary>
    public static PipelineRun StartListed(PipelineOptions options, FileSource files, IReadOnlyList<IEventStage> stages, IEventSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(sink);
        return new PipelineRun(options.Validated(), files, stages, sink, cancellationToken);
    }

    /// <summary>
    /// Compiles the engine's hot paths ahead of a run, on a thread-pool thread: the JSON fast path, the gzip check and
    /// the newline search are jitted for the machine at their first call (ReadyToRun cannot precompile their AVX-512
    /// code), which otherwise happens as the first batches arrive. Optional: a tool calls it first thing, while it is
    /// still reading its own arguments and settings. The task never faults.
    /// </summary>
    public static Task WarmUpAsync() => Internal.HeadStart.Run(static () => WarmUp());

    /// <summary>
    /// The work of <see cref="WarmUpAsync"/>: one event with escapes, numbers and literals through the JSON fast path,
    /// a gzip check, a newline search. True when the fast path took the event (else it warmed the wrong code).
    /// </summary>
    internal static bool WarmUp()
    {
        ReadOnlySpan<byte> sample = """{"username":"a","event_type":"x\"y\u00e9","n":[1,-2.5e3,true,null],"context":{"course_id":"c"},"page":""}"""u8;
        TopField[] fields = new TopField[8];
        bool fast = Formats.Json.JsonStructuralIndexer.TryIndex(sample, 0, ref fields, out _, out _);
        Sources.GzipCrc.Append(0, new byte[512]);
        Sources.LineReader.IndexOfNewline(sample);
        return fast;
    }

    /// <summary>
    /// Counts the events of <paramref name="inputs"/> (files, folders) per distinct value of the fields
    /// <paramref name="by"/> (<c>event_type</c>, <c>context.course_id</c>, <c>day</c>), or in total with distinct users
    /// when none is given, on <paramref name="threads"/> threads (default: all cores): the <c>count</c> command as one
    /// call, with nothing to import but this namespace.
    /// </summary>
    /// <exception cref="FileNotFoundException">An input does not exist.</exception>
    public static async Task<CountRun> CountAsync(IReadOnlyList<string> inputs, IReadOnlyList<string>? by = null, int? threads = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var paths = new FieldPath[by?.Count ?? 0];
        for (int i = 0; i < paths.Length; i++)
        {
            paths[i] = FieldPath.Parse(by![i]);
        }

        var aggregate = new CountAggregate(paths);
        var options = new PipelineOptions { Source = new FileSourceOptions { Inputs = inputs } };
        if (threads is { } n)
        {
            options = options with { Threads = n };
        }

        RunResult run = await RunAsync(options, [], new AggregateSink<CountTable>(aggregate), cancellationToken).ConfigureAwait(false);
        return new CountRun(run, aggregate.Result!);
    }

    /// <summary>Runs to the end and returns what the run did.</summary>
    public static Task<RunResult> RunAsync(PipelineOptions options, IReadOnlyList<IEventStage> stages, IEventSink sink, CancellationToken cancellationToken = default)
        => Start(options, stages, sink, cancellationToken).Completion;
}
