using System.Collections.Concurrent;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Internal;
using XAnalytics.Pipeline;

namespace XAnalytics.Ordering;

/// <summary>
/// Sorts a run's events by learner and time (<see cref="SortOptions.By"/>) at any archive size, and hands them in
/// that order to an ordered sink, such as <see cref="Sinks.JsonPartsSink"/>: the concatenation of its parts in
/// name order is then the total order.
/// </summary>
/// <remarks>
/// <para>External merge sort. While the run reads, each worker thread fills a run buffer of
/// <see cref="SortOptions.MemoryBytes"/> / 2 / threads bytes with records (the event's sort key, <see cref="SortKey"/>,
/// and its JSON); a full buffer is sorted and spilled to a private, already-unlinked LZ4 file
/// (<see cref="SpillFile"/>). At the end the last buffers are sorted in place and a k-way merge of them and the
/// spills feeds the output sink batch by batch, with back-pressure. The key ends with the event's file and line,
/// so the order is total: the output is byte-identical on any number of threads.</para>
/// <para>Counts, as the run's facts under <c>sort</c>: <c>no-learner</c> (the first group), <c>no-time</c>
/// (sorted last for their learner), <c>spilled-runs</c>, <c>spilled-bytes</c>. Events are counted as written by
/// the output sink.</para>
/// </remarks>
public sealed class SortSink : IEventSink
{
    /// <summary>The stage name the sort's facts are counted under.</summary>
    public const string Name = "sort";

    private static readonly SourceFile s_sorted = new("sorted", 0, 0, SourceFormat.JsonLines);
    private readonly SortOptions _options;
    private readonly IEventSink _output;
    private readonly ConcurrentBag<Worker> _idle = [];
    private readonly ConcurrentQueue<SpillFile> _spills = new();

    // Spill files created and still being written, each known from the moment it is created (under this lock, with
    // the folder's own guard inside) until it is either in _spills or disposed by its writer: the closing closes their
    // handles, and every file is then released whatever the moment of a cancellation.
    private readonly HashSet<SpillFile> _writing = [];
    private readonly Lock _spillsGate = new();
    private StageContext? _context;
    private ITargetBlock<EventBatch>? _outputBlock;
    private SpillFolder? _spillFolder;
    private long _runBudget;

    /// <summary>Creates the sink; <paramref name="output"/> receives the events in order.</summary>
    public SortSink(SortOptions options, IEventSink output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        _options = options.Validated();
        _output = output;
    }

    /// <inheritdoc/>
    public bool RequiresInputOrder => false;

    /// <summary>Fault injection for tests: called on the spilling thread once a spill file is created and registered, before it is written.</summary>
    internal Action? AfterSpillCreated { get; init; }

    /// <summary>Fault injection for tests: called on the spilling thread once a spill file is written, before it joins the runs to merge.</summary>
    internal Action? AfterSpillWritten { get; init; }

    /// <summary>For tests: how many runs a merge reads at once, instead of <see cref="FanIn"/>'s.</summary>
    internal int? FanInForTests { get; init; }

    /// <summary>
    /// The whole run's memory when this sort is one of several that share it (<see cref="ShardSink"/>'s buckets, which
    /// read together on their shares of it but merge one at a time): it sets how many runs a merge reads at once
    /// (<see cref="FanIn"/>) and the process's heap above which a spill or the merge collects
    /// (<see cref="KeepWithinBudget"/>), both <see cref="SortOptions.MemoryBytes"/> otherwise.
    /// </summary>
    internal long? SharedMemoryBytes { get; init; }

    /// <summary>The memory the run has in all: <see cref="SharedMemoryBytes"/>, else <see cref="SortOptions.MemoryBytes"/>.</summary>
    private long RunMemoryBytes => SharedMemoryBytes ?? _options.MemoryBytes;

    /// <inheritdoc/>
    public ITargetBlock<EventBatch> CreateBlock(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _outputBlock = _output.CreateBlock(context); // the output folder is checked now, not after sorting
        _runBudget = Math.Max(8L * 1024 * 1024, _options.MemoryBytes / 2 / Math.Max(1, context.Threads));
        _spillFolder = new SpillFolder(_options.ScratchDirectory, "sort", createNow: true, CloseSpills, context.CancellationToken);
        StageCounters counters = context.Counters.ForStage(Name);
        var block = new ActionBlock<EventBatch>(batch => Accumulate(batch, counters), context.ParallelBlockOptions());
        return SinkTarget<EventBatch>.CleaningUp(block, _spillFolder.Close, SinkTarget<EventBatch>.EndingOutputOnFailure(block.Completion, _outputBlock));
    }

    /// <inheritdoc/>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        StageContext context = _context ?? throw new InvalidOperationException("The sink has not been run.");
        try
        {
            var cursors = new List<IRecordCursor>();
            Worker[] workers = [.. _idle];
            _idle.Clear();
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = context.Threads, CancellationToken = cancellationToken };
            bool spilled = !_spills.IsEmpty;
            if (spilled)
            {
                // The archive did not fit: spill the last runs too, so the merge holds no run buffer (half the
                // budget) beside the output's parts in flight. 10M events with --memory 256MiB peaked at 589 MB
                // with the last runs merged from memory, at 278 MB without (the same machine, under load). An aggressive collection then gives
                // the buffers (and the reading's garbage) back to the system before the merge starts.
                StageCounters counters = context.Counters.ForStage(Name);
                Parallel.ForEach(workers, parallel, w =>
                {
                    if (w.Run.Count > 0)
                    {
                        Spill(w.Run, counters, collect: false);
                    }
                });
                workers = [];
                GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }
            else
            {
                Parallel.ForEach(workers, parallel, static w => w.Run.Sort());
            }

            if (spilled)
            {
                ReduceRuns(FanInForTests ?? FanIn(RunMemoryBytes, context.Threads), context.Counters.ForStage(Name), parallel);
            }

            while (_spills.TryDequeue(out SpillFile? spill))
            {
                cursors.Add(spill);
            }

            foreach (Worker worker in workers)
            {
                cursors.Add(new MemoryRunCursor(worker.Run));
            }

            context.Counters.ForStage(Name).AddFact("merged-runs", cursors.Count);
            await MergeIntoAsync(cursors, _outputBlock!, RunMemoryBytes, cancellationToken).ConfigureAwait(false);
            await _output.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Cleanup();
        }
    }

    private void Accumulate(EventBatch batch, StageCounters counters)
    {
        using (batch)
        {
            Worker worker = _idle.TryTake(out Worker? idle) ? idle : NewWorker();
            try
            {
                long noLearner = 0;
                long noTime = 0;
                int fileIndex = batch.Source.Index;
                for (int i = 0; i < batch.Count; i++)
                {
                    worker.Key.Clear();
                    SortKey.Notes notes = SortKey.Append(batch, i, _options.By, worker.Key);
                    SortKey.AppendPosition(fileIndex, batch.GetLineNumber(i), worker.Key);
                    noLearner += (notes & SortKey.Notes.NoLearner) != 0 ? 1 : 0;
                    noTime += (notes & SortKey.Notes.NoTime) != 0 ? 1 : 0;
                    ReadOnlySpan<byte> json = batch.GetUtf8(i);
                    if (!worker.Run.TryAdd(worker.Key.WrittenSpan, json))
                    {
                        Spill(worker.Run, counters);
                        worker.Run.TryAdd(worker.Key.WrittenSpan, json);
                    }
                }

                counters.Add(batch.Count, batch.Count);
                counters.AddFact("no-learner", noLearner);
                counters.AddFact("no-time", noTime);
            }
            finally
            {
                _idle.Add(worker);
            }
        }
    }

    private Worker NewWorker()
    {
        return new Worker(new SortRun((int)Math.Min(_runBudget, Array.MaxLength - 64)), new PooledBufferWriter(1024));
    }

    private void Spill(SortRun run, StageCounters counters, bool collect = true)
    {
        run.Sort();
        SpillFile? created = null;
        SpillFile spill;
        try
        {
            spill = SpillFile.Write(run, () =>
            {
                SpillFile file = created = CreateSpill();
                try
                {
                    AfterSpillCreated?.Invoke();
                }
                catch
                {
                    file.Dispose(); // Write disposes only what create returned
                    throw;
                }

                return file;
            });
        }
        catch (ObjectDisposedException) when (_spillFolder!.IsClosed)
        {
            Forget(created); // Write disposed it
            _spillFolder.ThrowIfClosed(); // the closing closed the file under this worker: the run is stopping
            throw;
        }
        catch (IOException e)
        {
            Forget(created);
            throw new IOException($"The sort could not spill a run to {_spillFolder!.Location} (is the disk full?): {e.Message}", e);
        }
        catch
        {
            Forget(created);
            throw;
        }

        AfterSpillWritten?.Invoke();
        Enlist(spill);
        counters.AddFact("spilled-runs", 1);
        counters.AddFact("spilled-bytes", spill.CompressedBytes);
        run.Clear();
        if (collect)
        {
            KeepWithinBudget(RunMemoryBytes);
        }
    }

    /// <summary>
    /// A new spill file, created and registered in one step: under <c>_spillsGate</c>, which the closing's
    /// <see cref="CloseSpills"/> takes, so a file made before the closing is one it sees (and one after it is refused).
    /// </summary>
    /// <summary>
    /// The bytes a spilled run holds while it is merged: its block and the block compressed, as the pool rounds them
    /// (64 KiB and 128 KiB).
    /// </summary>
    internal const int MergeBytesPerRun = 192 * 1024;

    /// <summary>
    /// How many runs one merge reads at once: a quarter of the memory over the threads, in <see cref="MergeBytesPerRun"/>
    /// (8 at the least): 341 at 512 MiB and 2 threads, 21 for each of 16 buckets of <c>shard --sorted</c>.
    /// </summary>
    internal static int FanIn(long memoryBytes, int threads)
        => (int)Math.Clamp(memoryBytes / 4 / Math.Max(1, threads) / MergeBytesPerRun, 8, 4096);

    /// <summary>
    /// Merges the spilled runs, <paramref name="fanIn"/> at a time, into longer runs until at most
    /// <paramref name="fanIn"/> are left, so the final merge's buffers stay within the memory however many runs the
    /// archive made (a merge of all of them held 192 KiB a run: 8,000 runs of a terabyte sorted with 512 MiB would
    /// have held 1.5 GiB). Each pass reads and writes every record once more; the runs of a pass are merged on all
    /// threads. Counts <c>premerged-runs</c> (the runs merged so) and <c>premerge-passes</c>.
    /// </summary>
    private void ReduceRuns(int fanIn, StageCounters counters, ParallelOptions parallel)
    {
        while (_spills.Count > fanIn)
        {
            var runs = new List<SpillFile>();
            while (_spills.TryDequeue(out SpillFile? spill))
            {
                runs.Add(spill);
            }

            // Groups of fanIn runs (the last may be smaller), each merged into one new run; the runs of a group are
            // disposed by the merger as it reads them to their end, and by the closing if the run stops.
            var groups = new List<SpillFile[]>();
            for (int start = 0; start < runs.Count; start += fanIn)
            {
                groups.Add([.. runs.Skip(start).Take(fanIn)]);
            }

            var merged = new SpillFile?[groups.Count];
            Exception? failure = null;
            try
            {
                Parallel.For(0, groups.Count, parallel, g =>
                {
                    SpillFile[] group = groups[g];
                    if (group.Length == 1)
                    {
                        merged[g] = group[0];
                        groups[g] = [];
                        return;
                    }

                    using var merger = new RecordMerger(group);
                    groups[g] = []; // the merger's now: it disposes them
                    SpillFile? created = null;
                    try
                    {
                        merged[g] = SpillFile.Write(merger, () => created = CreateSpill());
                    }
                    catch (IOException e)
                    {
                        throw new IOException($"The sort could not merge runs in {_spillFolder!.Location} (is the disk full?): {e.Message}", e);
                    }
                    finally
                    {
                        Forget(created);
                    }
                });
            }
            catch (AggregateException e) when (e.InnerExceptions.Count == 1)
            {
                failure = e.InnerExceptions[0];
            }
            catch (Exception e)
            {
                failure = e;
            }

            // The runs not merged (the run stopped) are let go of; the merged ones join the next pass, in order, so it
            // merges neighbouring runs.
            foreach (SpillFile[] group in groups)
            {
                foreach (SpillFile run in group)
                {
                    run.Dispose();
                }
            }

            foreach (SpillFile? run in merged)
            {
                if (run is null)
                {
                    continue;
                }

                if (failure is not null)
                {
                    run.Dispose();
                    continue;
                }

                try
                {
                    Enlist(run); // disposes it and throws when the folder is closing
                }
                catch (Exception e)
                {
                    failure = e;
                }
            }

            if (failure is not null)
            {
                if (failure is ObjectDisposedException && _spillFolder!.IsClosed)
                {
                    _spillFolder.ThrowIfClosed(); // the closing closed a run under a merge: the run is stopping
                }

                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            counters.AddFact("premerged-runs", runs.Count);
            counters.AddFact("premerge-passes", 1);
        }
    }

    private SpillFile CreateSpill()
    {
        lock (_spillsGate)
        {
            SpillFile file = _spillFolder!.CreateFile(); // refuses (a cancellation) once the closing has begun
            _writing.Add(file);
            return file;
        }
    }

    /// <summary>A written spill joins the runs to merge; when the folder closed meanwhile, it is disposed here instead.</summary>
    private void Enlist(SpillFile spill)
    {
        lock (_spillsGate)
        {
            _writing.Remove(spill);
            if (!_spillFolder!.IsClosed)
            {
                _spills.Enqueue(spill);
                return;
            }
        }

        spill.Dispose(); // the closing has run or is about to, and did not or will not see it in _spills
        _spillFolder.ThrowIfClosed();
    }

    /// <summary>A spill that failed while written (and was disposed by its writer) is no longer the closing's to close.</summary>
    private void Forget(SpillFile? spill)
    {
        if (spill is not null)
        {
            lock (_spillsGate)
            {
                _writing.Remove(spill);
            }
        }
    }

    /// <summary>
    /// Collects when the managed heap holds more than the budget. A long sort makes large buffers faster than
    /// the collector, left to itself, takes them back: 10M events with --memory 256MiB peaked at 633 MiB, at 441 MiB
    /// in the same time with the heap capped (DOTNET_GCHeapHardLimit), and at 523 MiB with this check. What is live
    /// stays under the budget, so a collection here is short (no references inside byte buffers to trace).
    /// </summary>
    private static void KeepWithinBudget(long budget)
    {
        if (GC.GetTotalMemory(forceFullCollection: false) > budget)
        {
            GC.Collect();
        }
    }

    private static async Task MergeIntoAsync(List<IRecordCursor> cursors, ITargetBlock<EventBatch> output, long budget, CancellationToken cancellationToken)
    {
        using var merger = new RecordMerger(cursors);
        var packer = new BatchPacker(s_sorted, output);
        long sent = 0;
        try
        {
            while (merger.MoveNext())
            {
                if (packer.Add(merger.Current.Json) is { } full)
                {
                    await packer.SendAsync(full, cancellationToken).ConfigureAwait(false);
                    if (++sent % 64 == 0)
                    {
                        KeepWithinBudget(budget);
                    }
                }
            }

            await packer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            output.Fault(new OperationCanceledException("The sort's merge stopped."));
            // The output cleans up as its block ends (a parts sink discards its staging folder): the run must not end
            // before it, or a cancelled run's caller could still see the staging folder. The output's fault is the
            // one just given it, or follows from it: the merge's exception, rethrown, is the cause.
            await Task.WhenAny(output.Completion).ConfigureAwait(false);
            throw;
        }
    }


    /// <summary>
    /// Disposes the spilled runs and closes the files still being written (their writers, who own their buffers,
    /// dispose them): the folder is being closed, and a worker still spilling gets a cancellation.
    /// </summary>
    private void CloseSpills()
    {
        lock (_spillsGate)
        {
            foreach (SpillFile writing in _writing)
            {
                writing.CloseHandle();
            }

            while (_spills.TryDequeue(out SpillFile? spill))
            {
                spill.Dispose();
            }
        }
    }

    private void Cleanup() => _spillFolder?.Close();

    private sealed record Worker(SortRun Run, PooledBufferWriter Key);
}
