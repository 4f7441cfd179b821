using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Sinks;

/// <summary>
/// Writes the events of a run, in input order, as JSON-lines parts of at most
/// <see cref="PartsSinkOptions.MaxEventsPerPart"/> events (<c>part-00000.json.gz</c>, <c>part-00001.json.gz</c>...,
/// or <c>.json</c> without gzip) and a <c>manifest.json</c> listing each part's events, size and SHA-256.
/// </summary>
/// <remarks>
/// Each event's bytes are copied as they are (plus a newline) into the part being filled; finished parts are
/// compressed in parallel while the next fills. Parts appear under their final names only when the run succeeds
/// (see <see cref="PartsManifest"/>); a failed or cancelled run leaves none. One run at a time per instance.
/// </remarks>
public sealed class JsonPartsSink : IEventSink
{
    private readonly PartsSinkOptions _options;
    private PartsWriter? _writer;
    private StageContext? _context;

    /// <summary>Creates the sink. Fails at once on bad options.</summary>
    public JsonPartsSink(PartsSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Validated();
    }

    /// <inheritdoc/>
    public bool RequiresInputOrder => true;

    /// <summary>The parts written, in order; empty until the run completed.</summary>
    public IReadOnlyList<PartInfo> Parts => _writer?.Parts ?? [];

    /// <summary>The manifest's path.</summary>
    public string ManifestPath => Path.Combine(_options.OutputDirectory, PartsManifest.FileName);

    /// <inheritdoc/>
    public ITargetBlock<EventBatch> CreateBlock(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _writer = new PartsWriter(_options, "json-lines", ".json", _options.Gzip ?? true, context);
        (ITargetBlock<EventBatch> head, Task completion) = _writer.CreateChain<EventBatch>(Pack);
        return new SinkTarget<EventBatch>(head, completion);

        void Pack(EventBatch batch, PartsWriter writer)
        {
            using (batch)
            {
                for (int i = 0; i < batch.Count; i++)
                {
                    writer.Append(batch.GetUtf8(i), "\n"u8);
                }

                context.Counters.AddWritten(batch.Count);
            }
        }
    }

    /// <inheritdoc/>
    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        PartsWriter writer = _writer ?? throw new InvalidOperationException("The sink has not been run.");
        cancellationToken.ThrowIfCancellationRequested();
        writer.Commit(_context!.Counters);
        return Task.CompletedTask;
    }
}
