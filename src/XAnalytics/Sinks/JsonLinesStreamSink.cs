using System.Buffers;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Sinks;

/// <summary>
/// Writes the events of a run to a stream as JSON lines, in input order (<c>xanalytics cat</c> writes stdout with it).
/// Whatever the input format, each event is its JSON line as the run carries it (BSON input arrives as JSON).
/// </summary>
public sealed class JsonLinesStreamSink : IEventSink
{
    private readonly Stream _output;

    /// <summary>Creates a sink that writes to <paramref name="output"/>; the caller keeps owning the stream.</summary>
    public JsonLinesStreamSink(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite)
        {
            throw new ArgumentException("The stream cannot be written.", nameof(output));
        }

        _output = output;
    }

    /// <inheritdoc/>
    public bool RequiresInputOrder => true;

    /// <inheritdoc/>
    public ITargetBlock<EventBatch> CreateBlock(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ActionBlock<EventBatch>(
            async batch =>
            {
                // One write per batch: the lines and their newlines gathered in one pooled buffer.
                byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(int.MaxValue / 2, batch.Utf8Bytes + batch.Count));
                try
                {
                    int at = 0;
                    using (batch)
                    {
                        for (int i = 0; i < batch.Count; i++)
                        {
                            ReadOnlySpan<byte> line = batch.GetUtf8(i);
                            line.CopyTo(buffer.AsSpan(at));
                            at += line.Length;
                            buffer[at++] = (byte)'\n';
                        }

                        context.Counters.AddWritten(batch.Count);
                    }

                    await _output.WriteAsync(buffer.AsMemory(0, at), context.CancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            },
            new ExecutionDataflowBlockOptions { BoundedCapacity = context.BoundedCapacity, CancellationToken = context.CancellationToken });
    }

    /// <inheritdoc/>
    public Task CompleteAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken);
}
