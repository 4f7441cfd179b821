using System.Buffers;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Ordering;
using XAnalytics.Pipeline;

namespace XAnalytics.Learners;

/// <summary>
/// Folds an <see cref="ILearnerRecordAnalysis{TRecord, TPartial}"/> over input already in learner order (as
/// <c>sort</c> and <c>shard --sorted</c> write it): batches are projected in parallel (in order), the records
/// grouped by learner as they come on one thread, and whole learners folded on the workers.
/// </summary>
internal sealed class SortedRecordGroups<TRecord, TPartial>(RecordPartials<TRecord, TPartial> partials, FieldPath learnerKey) : IEventSink
    where TRecord : unmanaged
    where TPartial : class
{
    private const int LearnersPerMessage = 64;

    // A message also ends at this many records (10 MiB of 40-byte records), so a few messages a thread in flight stay small.
    private const int RecordsPerMessage = 256 * 1024;
    private readonly ArrayBufferWriter<byte> _current = new(256);
    private TRecord[] _records = [];
    private int _count;
    private bool _started;
    private List<(string Learner, TRecord[] Records, int Count)> _pending = [];
    private int _pendingRecords;

    public bool RequiresInputOrder => true;

    public ITargetBlock<EventBatch> CreateBlock(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var work = new ActionBlock<List<(string Learner, TRecord[] Records, int Count)>>(
            learners => Fold(learners, context),
            new ExecutionDataflowBlockOptions
            {
                MaxDegreeOfParallelism = context.Threads,
                BoundedCapacity = context.Threads * 2,
                CancellationToken = context.CancellationToken,
            });
        var project = new TransformBlock<EventBatch, Projected>(
            Project,
            new ExecutionDataflowBlockOptions
            {
                MaxDegreeOfParallelism = context.Threads,
                BoundedCapacity = context.Threads * 2,
                EnsureOrdered = true, // the records must reach the grouping in input order
                CancellationToken = context.CancellationToken,
            });
        var group = new ActionBlock<Projected>(
            projected => GroupAsync(projected, work, context),
            new ExecutionDataflowBlockOptions { BoundedCapacity = context.BoundedCapacity, CancellationToken = context.CancellationToken });
        project.LinkTo(group, new DataflowLinkOptions { PropagateCompletion = true });

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = group.Completion.ContinueWith(
            async t =>
            {
                try
                {
                    await t.ConfigureAwait(false);
                    if (_started)
                    {
                        await EndLearnerAsync(work, context).ConfigureAwait(false);
                    }

                    if (_pending.Count > 0)
                    {
                        await work.SendAsync(_pending).ConfigureAwait(false);
                    }

                    work.Complete();
                    await work.Completion.ConfigureAwait(false);
                    done.SetResult();
                }
                catch (Exception e)
                {
                    ((IDataflowBlock)work).Fault(e);
                    // The workers' learners in flight end before the failure is reported: nothing folds after the run.
                    await work.Completion.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
                    done.SetException(e);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
        return new SinkTarget<EventBatch>(project, done.Task);
    }

    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        partials.Complete();
        return Task.CompletedTask;
    }

    private Projected Project(EventBatch batch)
    {
        using (batch)
        {
            batch.IndexCopiedEvents(); // from the sort's merge: copied events, not yet indexed
            var projected = new Projected(batch.Count);
            var learner = new ArrayBufferWriter<byte>(64);
            for (int i = 0; i < batch.Count; i++)
            {
                long ticks = LearnerFields.Read(batch, i, learnerKey, learner);
                projected.Learners.Write(learner.WrittenSpan);
                projected.Ends[i] = projected.Learners.WrittenCount;
                partials.Analysis.Project(batch, i, learner.WrittenSpan, ticks, out projected.Records[i]);
            }

            return projected;
        }
    }

    private async Task GroupAsync(Projected projected, ActionBlock<List<(string Learner, TRecord[] Records, int Count)>> work, StageContext context)
    {
        int start = 0;
        for (int i = 0; i < projected.Ends.Length; i++)
        {
            int end = projected.Ends[i];
            if (_started && !IsCurrent(projected, start, end))
            {
                await EndLearnerAsync(work, context).ConfigureAwait(false);
            }

            Append(projected, i, start, end);
            start = end;
        }
    }

    private bool IsCurrent(Projected projected, int start, int end) => projected.Learners.WrittenSpan[start..end].SequenceEqual(_current.WrittenSpan);

    private void Append(Projected projected, int i, int start, int end)
    {
        if (!_started)
        {
            _current.ResetWrittenCount();
            _current.Write(projected.Learners.WrittenSpan[start..end]);
            _records = ArrayPool<TRecord>.Shared.Rent(256);
            _count = 0;
            _started = true;
        }

        if (_count == _records.Length)
        {
            TRecord[] bigger = ArrayPool<TRecord>.Shared.Rent(_count * 2);
            _records.AsSpan(0, _count).CopyTo(bigger);
            ArrayPool<TRecord>.Shared.Return(_records);
            _records = bigger;
        }

        _records[_count++] = projected.Records[i];
    }

    private async Task EndLearnerAsync(ActionBlock<List<(string Learner, TRecord[] Records, int Count)>> work, StageContext context)
    {
        _pending.Add((System.Text.Encoding.UTF8.GetString(_current.WrittenSpan), _records, _count));
        _pendingRecords += _count;
        _started = false;
        _records = [];
        _count = 0;
        if (_pending.Count >= LearnersPerMessage || _pendingRecords >= RecordsPerMessage)
        {
            List<(string Learner, TRecord[] Records, int Count)> full = _pending;
            _pending = [];
            _pendingRecords = 0;
            if (!await work.SendAsync(full, context.CancellationToken).ConfigureAwait(false))
            {
                await work.Completion.ConfigureAwait(false);
            }
        }
    }

    private void Fold(List<(string Learner, TRecord[] Records, int Count)> learners, StageContext context)
    {
        TPartial partial = partials.Take();
        try
        {
            foreach ((string learner, TRecord[] records, int count) in learners)
            {
                partials.Analysis.Accumulate(partial, learner, records.AsSpan(0, count));
                context.Counters.AddWritten(count);
                ArrayPool<TRecord>.Shared.Return(records);
            }
        }
        finally
        {
            partials.Return(partial);
        }
    }

    /// <summary>A batch's records and their learners' texts (concatenated, each ending at <see cref="Ends"/>).</summary>
    private sealed class Projected(int count)
    {
        public TRecord[] Records { get; } = new TRecord[count];

        public int[] Ends { get; } = new int[count];

        public ArrayBufferWriter<byte> Learners { get; } = new(count * 16 + 16);
    }
}
