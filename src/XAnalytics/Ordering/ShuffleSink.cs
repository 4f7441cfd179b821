using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Internal;
using XAnalytics.Pipeline;

namespace XAnalytics.Ordering;

/// <summary>
/// Hands a run's events to an ordered sink grouped by learner, each learner's events in time order, without a
/// total sort: the learners themselves come in no meaningful order. What a per-learner analysis needs, at less cost
/// than <see cref="SortSink"/>.
/// </summary>
/// <remarks>
/// <para>A hash shuffle. While the run reads, each worker appends every event's record (the sort key of
/// <see cref="SortOptions.By"/> and the JSON) to one of <see cref="Buckets"/> buffers by a hash of its learner key;
/// a full buffer is compressed and appended to that bucket's private spill file (<see cref="SpillFile"/>). At the
/// end each bucket is read back alone, sorted in memory (or, when one bucket outgrows the memory, sorted in runs and
/// merged) and fed to the output; a learner lives in one bucket, so its events arrive together. Each record crosses
/// the disk once and is sorted once within its bucket: no k-way merge of every run of the archive.</para>
/// <para>Memory: <see cref="SortOptions.MemoryBytes"/> / 2 for the workers' bucket buffers while reading, and the
/// same for the one bucket being sorted at the end. Counts, under <c>shuffle</c>: <c>no-learner</c>,
/// <c>no-time</c>, <c>spilled-bytes</c>, <c>buckets-sorted-on-disk</c> (buckets too large for memory).</para>
/// </remarks>
internal sealed class ShuffleSink : IEventSink
{
    /// <summary>The stage name the shuffle's facts are counted under.</summary>
    public const string Name = "shuffle";

    /// <summary>
    /// Buckets of the shuffle. Enough that a bucket of a 1 TB archive (16 GB) still sorts in a few dozen runs;
    /// few enough that each worker's buffer per bucket holds hundreds of events.
    /// </summary>
    public const int Buckets = 64;

    private const int MinBufferBytes = 64 * 1024;
    private static readonly SourceFile s_shuffled = new("shuffled", 0, 0, SourceFormat.JsonLines);
    private readonly SortOptions _options;
    private readonly IEventSink _output;
    private readonly SpillFile?[] _files = new SpillFile?[Buckets];
    private readonly System.Collections.Concurrent.ConcurrentBag<Worker> _idle = [];
    private StageContext? _context;
    private ITargetBlock<EventBatch>? _outputBlock;
    private SpillFolder? _spillFolder;
    private int _bufferBytes;

    public ShuffleSink(SortOptions options, IEventSink output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        _options = options.Validated();
        _output = output;
    }

    public bool RequiresInputOrder => false;

    public ITargetBlock<EventBatch> CreateBlock(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _outputBlock = _output.CreateBlock(context);
        _bufferBytes = (int)Math.Clamp(_options.MemoryBytes / 2 / Math.Max(1, context.Threads) / Buckets, MinBufferBytes, 16L * 1024 * 1024);
        _spillFolder = new SpillFolder(_options.ScratchDirectory, "shuffle", createNow: true, CloseFiles, context.CancellationToken);
        StageCounters counters = context.Counters.ForStage(Name);
        var block = new ActionBlock<EventBatch>(batch => Accumulate(batch, counters), context.ParallelBlockOptions());
        return SinkTarget<EventBatch>.CleaningUp(block, _spillFolder.Close, SinkTarget<EventBatch>.EndingOutputOnFailure(block.Completion, _outputBlock));
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        StageContext context = _context ?? throw new InvalidOperationException("The sink has not been run.");
        StageCounters counters = context.Counters.ForStage(Name);
        try
        {
            while (_idle.TryTake(out Worker? worker))
            {
                worker.FlushAll(this, counters);
                worker.Dispose();
            }

            // The buffers are back in the pool and the reading is over: give its memory back before the sorting.
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            // The run holds the largest bucket (a bucket holds the records as a run does), up to half the memory.
            long largest = 0;
            foreach (SpillFile? file in _files)
            {
                largest = Math.Max(largest, file?.RawBytes ?? 0);
            }

            var run = new SortRun((int)Math.Min(Math.Min(_options.MemoryBytes / 2, Array.MaxLength - 64), Math.Max(largest, MinBufferBytes)));
            var emitter = new BatchPacker(s_shuffled, _outputBlock!);
            try
            {
                for (int b = 0; b < Buckets; b++)
                {
                    if (_files[b] is not { } file)
                    {
                        continue;
                    }

                    _files[b] = null;
                    await SortBucketAsync(file, run, emitter, counters, cancellationToken).ConfigureAwait(false);
                }

                await emitter.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                _outputBlock!.Fault(new OperationCanceledException("The shuffle stopped."));
                throw;
            }

            await _output.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Cleanup();
        }
    }

    private async Task SortBucketAsync(SpillFile file, SortRun run, BatchPacker emitter, StageCounters counters, CancellationToken cancellationToken)
    {
        var runs = new List<IRecordCursor>();
        try
        {
            using (file)
            {
                file.Rewind();
                while (file.MoveNext())
                {
                    if (!run.TryAdd(file.Key, file.Json))
                    {
                        // This bucket is larger than the memory: sort it in runs and merge them.
                        run.Sort();
                        runs.Add(SpillFile.Write(run, CreateFile));
                        run.Clear();
                        run.TryAdd(file.Key, file.Json);
                    }
                }
            }

            run.Sort();
            if (runs.Count == 0)
            {
                for (int i = 0; i < run.Count; i++)
                {
                    if (emitter.Add(run.Json(i)) is { } full)
                    {
                        await emitter.SendAsync(full, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            else
            {
                counters.AddFact("buckets-sorted-on-disk", 1);
                runs.Add(new MemoryRunCursor(run));
                using var merger = new RecordMerger(runs);
                runs.Clear(); // the merger owns them now
                while (merger.MoveNext())
                {
                    if (emitter.Add(merger.Current.Json) is { } full)
                    {
                        await emitter.SendAsync(full, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            foreach (IRecordCursor cursor in runs)
            {
                cursor.Dispose();
            }

            run.Clear();
        }
    }

    private void Accumulate(EventBatch batch, StageCounters counters)
    {
        using (batch)
        {
            Worker worker = _idle.TryTake(out Worker? idle) ? idle : new Worker(_bufferBytes);
            try
            {
                long noLearner = 0;
                long noTime = 0;
                int fileIndex = batch.Source.Index;
                PooledBufferWriter key = worker.Key;
                for (int i = 0; i < batch.Count; i++)
                {
                    key.Clear();
                    SortKey.Notes notes = SortKey.Append(batch, i, _options.By, key);
                    int learnerBytes = SortKey.FieldsLength(key.WrittenSpan, _options.By, 1);
                    SortKey.AppendPosition(fileIndex, batch.GetLineNumber(i), key);
                    noLearner += (notes & SortKey.Notes.NoLearner) != 0 ? 1 : 0;
                    noTime += (notes & SortKey.Notes.NoTime) != 0 ? 1 : 0;
                    int bucket = (int)(XxHash3.HashToUInt64(key.WrittenSpan[..learnerBytes]) % Buckets);
                    worker.Add(bucket, key.WrittenSpan, batch.GetUtf8(i), this, counters);
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

    private void WriteBlock(int bucket, ReadOnlySpan<byte> records, Span<byte> scratch, StageCounters counters)
    {
        SpillFile? file = Volatile.Read(ref _files[bucket]);
        if (file is null)
        {
            lock (_files)
            {
                file = _files[bucket] ??= CreateFile(); // CreateFile refuses once the cleanup has begun
            }
        }

        try
        {
            counters.AddFact("spilled-bytes", file.WriteBlock(records, scratch));
        }
        catch (ObjectDisposedException) when (_spillFolder!.IsClosed)
        {
            _spillFolder.ThrowIfClosed(); // the closing disposed the file under this worker: the run is stopping
            throw;
        }
        catch (IOException e)
        {
            throw new IOException($"The shuffle could not spill to {_spillFolder!.Location} (is the disk full?): {e.Message}", e);
        }
    }

    /// <summary>A new spill file; under the lock on <c>_files</c>, so the closing's <see cref="CloseFiles"/> sees every file made before it.</summary>
    private SpillFile CreateFile()
    {
        try
        {
            lock (_files)
            {
                return _spillFolder!.CreateFile();
            }
        }
        catch (IOException e)
        {
            throw new IOException($"The shuffle could not create a spill file in {_spillFolder!.Location}: {e.Message}", e);
        }
    }

    /// <summary>Disposes the buckets' spill files and the idle workers: the spill folder is being closed.</summary>
    private void CloseFiles()
    {
        lock (_files)
        {
            for (int b = 0; b < Buckets; b++)
            {
                _files[b]?.Dispose();
                _files[b] = null;
            }
        }

        while (_idle.TryTake(out Worker? worker))
        {
            worker.Dispose();
        }
    }

    private void Cleanup() => _spillFolder?.Close();

    /// <summary>
    /// One worker thread's bucket buffers and key writer. The buffers are the collector's, not the pool's: they live
    /// for the whole reading, and once it is over the sorting needs their memory back (the shared pool would keep
    /// them: 1M events, --memory 512MiB, peaked at 596-640 MiB with pooled buffers).
    /// </summary>
    private sealed class Worker(int bufferBytes) : IDisposable
    {
        private readonly byte[]?[] _buffers = new byte[]?[Buckets];
        private readonly int[] _used = new int[Buckets];
        private byte[] _scratch = GC.AllocateUninitializedArray<byte>(SpillFile.ScratchBytes(bufferBytes));

        public PooledBufferWriter Key { get; } = new(1024);

        public void Add(int bucket, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json, ShuffleSink owner, StageCounters counters)
        {
            int size = 8 + key.Length + json.Length;
            byte[] buffer = _buffers[bucket] ??= GC.AllocateUninitializedArray<byte>(bufferBytes);
            if (_used[bucket] + size > bufferBytes)
            {
                Flush(bucket, owner, counters);
            }

            if (size > bufferBytes)
            {
                // An event larger than a bucket buffer: a block of its own.
                byte[] single = ArrayPool<byte>.Shared.Rent(size);
                byte[] scratch = ArrayPool<byte>.Shared.Rent(SpillFile.ScratchBytes(size));
                try
                {
                    Write(single, 0, key, json);
                    owner.WriteBlock(bucket, single.AsSpan(0, size), scratch, counters);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(single);
                    ArrayPool<byte>.Shared.Return(scratch);
                }

                return;
            }

            _used[bucket] += Write(buffer, _used[bucket], key, json);
        }

        public void FlushAll(ShuffleSink owner, StageCounters counters)
        {
            for (int b = 0; b < Buckets; b++)
            {
                Flush(b, owner, counters);
            }
        }

        public void Dispose()
        {
            Array.Clear(_buffers);
            _scratch = [];

            Key.Dispose();
        }

        private void Flush(int bucket, ShuffleSink owner, StageCounters counters)
        {
            if (_used[bucket] > 0)
            {
                owner.WriteBlock(bucket, _buffers[bucket].AsSpan(0, _used[bucket]), _scratch, counters);
                _used[bucket] = 0;
            }
        }

        private static int Write(byte[] buffer, int at, ReadOnlySpan<byte> key, ReadOnlySpan<byte> json)
        {
            Span<byte> record = buffer.AsSpan(at);
            BinaryPrimitives.WriteInt32LittleEndian(record, key.Length);
            BinaryPrimitives.WriteInt32LittleEndian(record[4..], json.Length);
            key.CopyTo(record[8..]);
            json.CopyTo(record[(8 + key.Length)..]);
            return 8 + key.Length + json.Length;
        }
    }
}
