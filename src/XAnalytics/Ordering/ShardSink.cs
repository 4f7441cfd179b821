using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Internal;
using XAnalytics.Pipeline;

namespace XAnalytics.Ordering;

/// <summary>
/// Splits a run's events into learner buckets (<see cref="LearnerBuckets"/>), each written by its own ordered sink
/// (parts in <c>OUT/bucket-NNNN/</c>), in input order or sorted by learner and time.
/// </summary>
/// <remarks>
/// <para>Events arrive in input order (one thread deals them out, which is cheap next to compressing), so each
/// bucket's content is the same on any number of threads; the buckets' sinks compress in parallel. Each bucket's sink
/// counts what it writes.</para>
/// <para>The buckets are written into a hidden staging folder beside the output folder, published whole by one rename
/// once every bucket is complete: a failed, cancelled or killed run leaves no bucket under the final name.</para>
/// </remarks>
public sealed class ShardSink : IEventSink
{
    private static readonly SourceFile s_shard = new("shard", 0, 0, SourceFormat.JsonLines);
    private readonly ShardOptions _options;
    private readonly string _outputDirectory;
    private readonly bool _overwrite;
    private readonly Func<int, string, IEventSink> _bucketSink;
    private IEventSink[] _buckets = [];
    private StagedFolder? _staged;
    private CancellationTokenRegistration _onCancel;
    private ITargetBlock<EventBatch>[] _targets = [];
    private EventBatch?[] _filling = [];
    private long _sequence;

    /// <summary>
    /// Creates the sink, which writes <paramref name="outputDirectory"/>: <paramref name="bucketSink"/> makes the
    /// ordered sink of bucket i writing into the folder it is given (a parts sink there). With
    /// <paramref name="overwrite"/> an earlier shard output is replaced whole.
    /// </summary>
    public ShardSink(ShardOptions options, string outputDirectory, Func<int, string, IEventSink> bucketSink, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        ArgumentNullException.ThrowIfNull(bucketSink);
        _options = options.Validated();
        _outputDirectory = outputDirectory;
        _bucketSink = bucketSink;
        _overwrite = overwrite;
    }

    /// <inheritdoc/>
    public bool RequiresInputOrder => true;

    /// <inheritdoc/>
    public ITargetBlock<EventBatch> CreateBlock(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _staged = StagedFolder.Create(
            _outputDirectory,
            _overwrite,
            static entry => entry is DirectoryInfo && entry.Name.StartsWith("bucket-", StringComparison.Ordinal),
            $"The output folder {_outputDirectory} is not empty; choose an empty folder or --overwrite an earlier shard output.");
        _onCancel = context.CancellationToken.Register(static state => ((StagedFolder)state!).Discard(), _staged);
        SortOptions? sort = _options.Sort is { } s
            ? s with { By = [_options.By, FieldPath.Parse("time")], MemoryBytes = Math.Max(16L * 1024 * 1024, s.MemoryBytes / _options.Buckets) }
            : null;
        _buckets = new IEventSink[_options.Buckets];
        for (int i = 0; i < _buckets.Length; i++)
        {
            IEventSink sink = _bucketSink(i, Path.Combine(_staged.Path, LearnerBuckets.FolderName(i)));
            // The buckets' sorts share the memory while they read, but merge one after the other: each may merge as
            // many runs at once as the whole memory allows, and the heap they keep within is the process's.
            _buckets[i] = sort is null ? sink : new SortSink(sort, sink) { SharedMemoryBytes = _options.Sort!.MemoryBytes };
        }

        _targets = new ITargetBlock<EventBatch>[_buckets.Length];
        _filling = new EventBatch?[_buckets.Length];
        for (int i = 0; i < _buckets.Length; i++)
        {
            _targets[i] = _buckets[i].CreateBlock(context);
        }

        var key = new PooledBufferWriter(256);
        var deal = new ActionBlock<EventBatch>(
            batch => DealAsync(batch, key, context.CancellationToken),
            new ExecutionDataflowBlockOptions { BoundedCapacity = context.BoundedCapacity, CancellationToken = context.CancellationToken });
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = deal.Completion.ContinueWith(
            async t =>
            {
                try
                {
                    if (t.IsFaulted || t.IsCanceled)
                    {
                        foreach (ITargetBlock<EventBatch> target in _targets)
                        {
                            target.Fault(t.Exception?.GetBaseException() ?? new OperationCanceledException());
                        }

                        // The buckets' own cleanups (their sorts' spill folders, their parts) end before the failure is
                        // reported, and so before the staged folder is discarded below.
                        foreach (ITargetBlock<EventBatch> target in _targets)
                        {
                            await target.Completion.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
                        }

                        await t.ConfigureAwait(false);
                    }

                    for (int i = 0; i < _targets.Length; i++)
                    {
                        if (_filling[i] is { Count: > 0 } last)
                        {
                            _filling[i] = null;
                            await SendAsync(i, last, context.CancellationToken).ConfigureAwait(false);
                        }

                        _targets[i].Complete();
                    }

                    foreach (ITargetBlock<EventBatch> target in _targets)
                    {
                        await target.Completion.ConfigureAwait(false);
                    }

                    done.SetResult();
                }
                catch (Exception e)
                {
                    done.SetException(e);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
        StagedFolder staged = _staged;
        return SinkTarget<EventBatch>.CleaningUp(deal, staged.Discard, done.Task);
    }

    /// <inheritdoc/>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        StagedFolder staged = _staged ?? throw new InvalidOperationException("The sink has not been run.");
        try
        {
            foreach (IEventSink bucket in _buckets)
            {
                await bucket.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            staged.Publish(cancellationToken.ThrowIfCancellationRequested);
        }
        catch
        {
            staged.Discard();
            throw;
        }
        finally
        {
            _onCancel.Unregister();
        }
    }

    private async Task DealAsync(EventBatch batch, PooledBufferWriter key, CancellationToken cancellationToken)
    {
        using (batch)
        {
            for (int i = 0; i < batch.Count; i++)
            {
                key.Clear();
                if (batch.TryGetField(i, _options.By, out FieldValue value) && !value.IsNull)
                {
                    Span<byte> text = key.GetSpan(value.RawJson.Length);
                    key.Advance(value.CopyTo(text));
                }

                int bucket = LearnerBuckets.Of(key.WrittenSpan, _buckets.Length);
                int size = Math.Max(64 * 1024, batch.GetUtf8(i).Length + 1);
                EventBatch target = _filling[bucket] ??= EventBatch.Create(s_shard, _sequence++, size, 1024);
                if (!target.TryAppend(batch.GetUtf8(i), batch.GetLineNumber(i)))
                {
                    _filling[bucket] = null;
                    await SendAsync(bucket, target, cancellationToken).ConfigureAwait(false);
                    target = _filling[bucket] = EventBatch.Create(s_shard, _sequence++, size, 1024);
                    target.TryAppend(batch.GetUtf8(i), batch.GetLineNumber(i));
                }

                if (target.IsFull)
                {
                    _filling[bucket] = null;
                    await SendAsync(bucket, target, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private Task SendAsync(int bucket, EventBatch batch, CancellationToken cancellationToken)
    {
        if (_options.Sort is not null)
        {
            batch.IndexCopiedEvents(); // the bucket's sort reads the learner and the time
        }

        return BatchSends.SendOrStopAsync(_targets[bucket], batch, cancellationToken);
    }
}
