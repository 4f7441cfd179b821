using System.Threading.Tasks.Dataflow;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Sinks;

/// <summary>
/// An ordered sink that hands the values of some fields of each event, in input order, to a callback: one
/// row per event, a value per field in the order given (a string unescaped; a number, boolean, object or
/// array as its JSON text; null when the field is missing or null).
/// </summary>
/// <remarks>
/// The callback runs on one thread at a time, in input order, and gets fresh arrays per row (it may keep them).
/// </remarks>
public sealed class FieldRowSink : IEventSink
{
    private readonly FieldPath[] _fields;
    private readonly Action<string?[], bool[]> _onRow;

    /// <summary>Creates a sink that reads <paramref name="fields"/> and calls <paramref name="onRow"/> per event.</summary>
    public FieldRowSink(IReadOnlyList<FieldPath> fields, Action<string?[]> onRow)
        : this(fields, onRow is null ? null! : (values, _) => onRow(values))
    {
    }

    /// <summary>
    /// Creates a sink that reads <paramref name="fields"/> and calls <paramref name="onRow"/> per event with the
    /// values and, for each, whether it is JSON text (a number, boolean, object or array) rather than a string: the
    /// string "5" and the number 5 have the same text.
    /// </summary>
    public FieldRowSink(IReadOnlyList<FieldPath> fields, Action<string?[], bool[]> onRow)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(onRow);
        if (fields.Count == 0)
        {
            throw new ArgumentException("Name at least one field.", nameof(fields));
        }

        _fields = [.. fields];
        _onRow = onRow;
    }

    /// <inheritdoc/>
    public bool RequiresInputOrder => true;

    /// <inheritdoc/>
    public ITargetBlock<EventBatch> CreateBlock(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = new FieldKey(_fields);
        return new ActionBlock<EventBatch>(
            batch =>
            {
                using (batch)
                {
                    for (int i = 0; i < batch.Count; i++)
                    {
                        bool[] isJson = new bool[_fields.Length];
                        string?[] values = FieldKey.Decode(key.Build(batch, i), _fields.Length, isJson);
                        _onRow(values, isJson);
                    }

                    context.Counters.AddWritten(batch.Count);
                }
            },
            new ExecutionDataflowBlockOptions
            {
                // One writer, batches in the order they arrive (the run keeps input order for this sink).
                MaxDegreeOfParallelism = 1,
                BoundedCapacity = context.BoundedCapacity,
                CancellationToken = context.CancellationToken,
            });
    }

    /// <inheritdoc/>
    public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
