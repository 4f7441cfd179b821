using System.Buffers;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Formats.Bson;
using XAnalytics.Internal;
using XAnalytics.Pipeline;

namespace XAnalytics.Sinks;

/// <summary>
/// Writes the events of a run, in input order, as BSON parts of at most <see cref="PartsSinkOptions.MaxEventsPerPart"/>
/// documents (<c>part-00000.bson</c>..., <c>.bson.gz</c> with gzip: length-prefixed documents one after another,
/// as mongodump writes, so <c>mongorestore</c> and our BSON reader take them) and a <c>manifest.json</c>.
/// </summary>
/// <remarks>
/// <para>JSON is converted on all threads (in order) by a single-pass encoder; see <see cref="BsonEncoder"/> for
/// how numbers keep their type. An event BSON cannot carry (a key with U+0000, a number no BSON type holds
/// exactly) is rejected with <see cref="BsonRejectReasons.NotRepresentable"/>, with its file and line.</para>
/// <para>Parts appear under their final names only when the run succeeds; one run at a time per instance.</para>
/// </remarks>
public sealed class BsonPartsSink : IEventSink
{
    private readonly PartsSinkOptions _options;
    private PartsWriter? _writer;
    private StageContext? _context;

    /// <summary>Creates the sink. Fails at once on bad options.</summary>
    public BsonPartsSink(PartsSinkOptions options)
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
        _writer = new PartsWriter(_options, "bson", ".bson", _options.Gzip ?? false, context);
        (ITargetBlock<EncodedBatch> pack, Task completion) = _writer.CreateChain<EncodedBatch>(static (encoded, writer) =>
        {
            using (encoded)
            {
                encoded.AppendTo(writer);
            }
        });
        var encode = new TransformBlock<EventBatch, EncodedBatch>(batch => EncodedBatch.Encode(batch, context), context.ParallelBlockOptions());
        encode.LinkTo(pack, new DataflowLinkOptions { PropagateCompletion = true });
        return new SinkTarget<EventBatch>(encode, completion);
    }

    /// <inheritdoc/>
    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        PartsWriter writer = _writer ?? throw new InvalidOperationException("The sink has not been run.");
        cancellationToken.ThrowIfCancellationRequested();
        writer.Commit(_context!.Counters);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A batch's events as BSON documents, back to back in one pooled buffer. Owner: made by the encode block,
    /// disposed by the packing block once copied into the part.
    /// </summary>
    private sealed class EncodedBatch : IDisposable
    {
        private readonly PooledBufferWriter _data;
        private int[] _ends;
        private int _count;

        private EncodedBatch(int capacity, int events)
        {
            _data = new PooledBufferWriter(capacity);
            _ends = ArrayPool<int>.Shared.Rent(Math.Max(1, events));
        }

        public static EncodedBatch Encode(EventBatch batch, StageContext context)
        {
            using (batch)
            {
                var encoded = new EncodedBatch((int)Math.Min(int.MaxValue / 2, batch.Utf8Bytes + 1024), batch.Count);
                for (int i = 0; i < batch.Count; i++)
                {
                    ReadOnlySpan<byte> json = batch.GetUtf8(i);
                    if (BsonEncoder.TryAppend(json, encoded._data, out string detail) is { } reason)
                    {
                        context.Rejects.Add(batch.Source, batch.GetLineNumber(i), reason, detail, json);
                        continue;
                    }

                    encoded._ends[encoded._count++] = encoded._data.WrittenCount;
                }

                context.Counters.AddWritten(encoded._count);
                return encoded;
            }
        }

        public void AppendTo(PartsWriter writer)
        {
            ReadOnlySpan<byte> data = _data.WrittenSpan;
            int start = 0;
            for (int i = 0; i < _count; i++)
            {
                writer.Append(data[start.._ends[i]], []);
                start = _ends[i];
            }
        }

        public void Dispose()
        {
            _data.Dispose();
            if (_ends.Length > 0)
            {
                ArrayPool<int>.Shared.Return(_ends);
                _ends = [];
            }
        }
    }
}
