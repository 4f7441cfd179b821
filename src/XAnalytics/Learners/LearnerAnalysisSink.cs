using System.Collections.Concurrent;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Ordering;
using XAnalytics.Pipeline;

namespace XAnalytics.Learners;

/// <summary>
/// Runs an <see cref="ILearnerAnalysis{TPartial}"/> over a run's events: it gathers each learner's events (shuffled
/// into learner buckets on disk and sorted one bucket at a time by learner and time, with no total sort; or taken as
/// they come when the input is already sorted, as <c>sort</c> and <c>shard --sorted</c> write it) and hands whole
/// learners to worker threads. Learners come in no particular order: an analysis must not depend on it.
/// </summary>
/// <remarks>
/// <para>How to write an analysis: implement <see cref="ILearnerAnalysis{TPartial}"/> with a partial that holds your
/// counters; in <c>Accumulate</c>, walk <see cref="LearnerGroup.Events"/> from 0 to <see cref="LearnerGroup.Count"/>
/// (time order), reading fields with <see cref="EventBatch.TryGetField"/> and times with
/// <see cref="LearnerGroup.GetTimeTicks"/>; keep nothing of the group after the call. Merge partials in
/// <c>Merge</c>, finish in <c>Complete</c>. Memory: the sort's (see <see cref="SortOptions.MemoryBytes"/>), plus
/// the learners in flight (a few per thread), each held whole. The shuffle's facts are counted under
/// <c>shuffle</c>: <c>no-learner</c>, <c>no-time</c>, <c>spilled-bytes</c>, <c>buckets-sorted-on-disk</c>.</para>
/// </remarks>
/// <typeparam name="TPartial">The analysis' partial result.</typeparam>
public sealed class LearnerAnalysisSink<TPartial> : IEventSink
    where TPartial : class
{
    private readonly IEventSink _inner;

    /// <summary>
    /// Creates the sink. <paramref name="sort"/> gives the learner key (its first field; default <c>username</c>) and
    /// the memory; with <paramref name="inputIsSorted"/> the events must arrive sorted by it (then time) and are not
    /// sorted again.
    /// </summary>
    public LearnerAnalysisSink(ILearnerAnalysis<TPartial> analysis, SortOptions? sort = null, bool inputIsSorted = false)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        sort ??= new SortOptions();
        var groups = new GroupSink(analysis, sort.By[0]);
        _inner = inputIsSorted ? groups : new ShuffleSink(sort, groups);
    }

    /// <inheritdoc/>
    public bool RequiresInputOrder => _inner.RequiresInputOrder;

    /// <inheritdoc/>
    public ITargetBlock<EventBatch> CreateBlock(StageContext context) => _inner.CreateBlock(context);

    /// <inheritdoc/>
    public Task CompleteAsync(CancellationToken cancellationToken) => _inner.CompleteAsync(cancellationToken);

    /// <summary>Events in learner order in; learners out to workers, each with a partial of its own.</summary>
    private sealed class GroupSink(ILearnerAnalysis<TPartial> analysis, FieldPath learnerKey) : IEventSink
    {
        private const int LearnersPerMessage = 64;

        // A message also ends at this many bytes of events: with learners of hundreds of events each, 64 learners per
        // message and a few messages per thread in flight held 400 MiB over the sort's own memory (1M-event archive,
        // 2,000 learners: peak 897 MiB before, see the commit).
        private const long BytesPerMessage = 4L << 20;

        // A learner's first batch holds this many events; it doubles as the learner grows. (Each group held its own
        // array of a million entries, rented at once, with up to hundreds of learners in flight.)
        private const int FirstEvents = 256;
        private static readonly SourceFile s_learner = new("learner", 0, 0, SourceFormat.JsonLines);
        private readonly ConcurrentBag<TPartial> _partials = [];
        private readonly System.Buffers.ArrayBufferWriter<byte> _key = new(256);
        private readonly System.Buffers.ArrayBufferWriter<byte> _current = new(256);
        private EventBatch? _events;
        private List<(string Learner, EventBatch Events)> _pending = [];
        private long _pendingBytes;

        public bool RequiresInputOrder => true;

        public ITargetBlock<EventBatch> CreateBlock(StageContext context)
        {
            var work = new ActionBlock<List<(string Learner, EventBatch Events)>>(
                learners => Analyse(learners, context),
                new ExecutionDataflowBlockOptions
                {
                    MaxDegreeOfParallelism = context.Threads,
                    BoundedCapacity = context.Threads * 2,
                    CancellationToken = context.CancellationToken,
                });
            var group = new ActionBlock<EventBatch>(
                async batch =>
                {
                    using (batch)
                    {
                        batch.IndexCopiedEvents(); // from the sort's merge: copied events, not yet indexed
                        for (int i = 0; i < batch.Count; i++)
                        {
                            _key.ResetWrittenCount();
                            if (batch.TryGetField(i, learnerKey, out FieldValue value) && !value.IsNull)
                            {
                                _key.Advance(value.CopyTo(_key.GetSpan(value.RawJson.Length)));
                            }

                            if (_events is not null && !_key.WrittenSpan.SequenceEqual(_current.WrittenSpan))
                            {
                                await EndLearnerAsync(work, context).ConfigureAwait(false);
                            }

                            if (_events is null)
                            {
                                _current.ResetWrittenCount();
                                System.Buffers.BuffersExtensions.Write(_current, _key.WrittenSpan);
                                _events = LearnerBatch(64 * 1024, FirstEvents);
                            }

                            // Each event is copied with its field index, so the learner's batch is not parsed again
                            // (the CPU time over sorted input did not move measurably: 2.53 s before and after, 1M
                            // events, a machine under load; the work is gone all the same).
                            if (!_events.TryAppendIndexed(batch, i))
                            {
                                // A learner outgrowing the batch (bytes or entries): one twice as big, the events moved over.
                                EventBatch bigger = LearnerBatch(
                                    Math.Max(_events.BufferBytes * 2, batch.GetUtf8(i).Length * 2), Math.Max(FirstEvents, _events.Count * 2));
                                for (int e = 0; e < _events.Count; e++)
                                {
                                    bigger.TryAppendIndexed(_events, e);
                                }

                                _events.Dispose();
                                _events = bigger;
                                _events.TryAppendIndexed(batch, i);
                            }
                        }
                    }
                },
                new ExecutionDataflowBlockOptions { BoundedCapacity = context.BoundedCapacity, CancellationToken = context.CancellationToken });

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = group.Completion.ContinueWith(
                async t =>
                {
                    try
                    {
                        await t.ConfigureAwait(false);
                        if (_events is not null)
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
                        done.SetException(e);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
            return new SinkTarget<EventBatch>(group, done.Task);
        }

        public Task CompleteAsync(CancellationToken cancellationToken)
        {
            TPartial? result = null;
            foreach (TPartial partial in _partials)
            {
                if (result is null)
                {
                    result = partial;
                }
                else
                {
                    analysis.Merge(result, partial);
                }
            }

            analysis.Complete(result ?? analysis.CreatePartial());
            return Task.CompletedTask;
        }

        /// <summary>A learner's batch: started indexed, each event appended with its fields (<see cref="EventBatch.TryAppendIndexed"/>).</summary>
        private static EventBatch LearnerBatch(int bytes, int events)
        {
            EventBatch batch = EventBatch.Create(s_learner, 0, bytes, events);
            batch.BeginIndex(events * 16);
            batch.IsParsed = true;
            return batch;
        }

        private async Task EndLearnerAsync(ActionBlock<List<(string Learner, EventBatch Events)>> work, StageContext context)
        {
            EventBatch events = _events!;
            _events = null;
            _pending.Add((System.Text.Encoding.UTF8.GetString(_current.WrittenSpan), events));
            _pendingBytes += events.Utf8Bytes;
            if (_pending.Count >= LearnersPerMessage || _pendingBytes >= BytesPerMessage)
            {
                List<(string Learner, EventBatch Events)> full = _pending;
                _pending = [];
                _pendingBytes = 0;
                if (!await work.SendAsync(full, context.CancellationToken).ConfigureAwait(false))
                {
                    foreach ((_, EventBatch batch) in full)
                    {
                        batch.Dispose();
                    }

                    await work.Completion.ConfigureAwait(false);
                }
            }
        }

        private void Analyse(List<(string Learner, EventBatch Events)> learners, StageContext context)
        {
            TPartial partial = _partials.TryTake(out TPartial? idle) ? idle : analysis.CreatePartial();
            try
            {
                foreach ((string learner, EventBatch events) in learners)
                {
                    using (events)
                    {
                        analysis.Accumulate(partial, new LearnerGroup(learner, events));
                        context.Counters.AddWritten(events.Count);
                    }
                }
            }
            finally
            {
                _partials.Add(partial);
            }
        }
    }
}
