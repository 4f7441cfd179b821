using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Internal;
using XAnalytics.Ordering;
using XAnalytics.Pipeline;

namespace XAnalytics.Learners;

/// <summary>
/// Gathers an <see cref="ILearnerRecordAnalysis{TRecord, TPartial}"/>'s records by learner over input in any order,
/// and folds each learner on the workers: the shuffle of <see cref="ShuffleSink"/>, carrying each event's small
/// record instead of its JSON.
/// </summary>
/// <remarks>
/// <para>While the run reads, each worker projects its events and appends each record (the learner's text, the
/// event's place and time, the record) to one of <see cref="ShuffleSink.Buckets"/> block buffers by a hash of the
/// learner. A full block is kept in memory while the held blocks stay within half of
/// <see cref="SortOptions.MemoryBytes"/>, else compressed and appended to the bucket's private spill file
/// (<see cref="SpillFile"/>). At the end the buckets are taken in parallel, one a thread: a bucket's records are
/// loaded, the learners interned to numbers, the records sorted by (learner, time, file, line) as integers, and each
/// learner's records handed to the analysis on that thread.</para>
/// <para>Memory: the held blocks (up to half the memory; the rest is spilled), then a bucket a thread as records
/// (two copies of a record and two 32-byte order entries, and the learner's name once; sized exactly, from the
/// records counted into the bucket), while the blocks read are collected as they add up
/// (<see cref="Released"/>). A bucket larger than its thread's share of the memory (half of it over the threads) once
/// loaded is not loaded: its records are split again, by another hash of the learner, into
/// <see cref="ShuffleSink.Buckets"/> spilled parts, each folded in turn (and split again if still too large, up to
/// <see cref="MaxSplits"/> times), so a terabyte's records fold within <c>--memory</c> as a gigabyte's do. A learner's
/// records are held whole: one learner larger than the share is folded as it is. Counts, under <c>shuffle</c>:
/// <c>no-learner</c>, <c>no-time</c>, <c>spilled-bytes</c>, <c>resplit-bytes</c> (records written again by a split).</para>
/// </remarks>
internal sealed class RecordShuffle<TRecord, TPartial> : IEventSink
    where TRecord : unmanaged
    where TPartial : class
{
    // [file][line][ticks] before the record in a block's payload.
    private const int Place = 20;

    /// <summary>How many times a bucket too large to fold is split again (64^3 parts at the most).</summary>
    internal const int MaxSplits = 3;
    private readonly RecordPartials<TRecord, TPartial> _partials;
    private readonly SortOptions _options;
    private readonly Bucket[] _buckets = new Bucket[ShuffleSink.Buckets];
    private readonly System.Collections.Concurrent.ConcurrentBag<Worker> _idle = [];
    private StageContext? _context;
    private SpillFolder? _spillFolder;
    private int _blockBytes;
    private long _heldBytes;
    private long _garbageBytes;
    private readonly long _collectBytes;
    private int _collections;
    private readonly long _budget;
    private readonly long? _foldBytes;
    private long _foldBudget;
    private readonly List<SpillFile> _splitFiles = [];

    /// <summary>
    /// Creates the shuffle; for tests, <paramref name="heldBytes"/> replaces the memory held before spilling (half of
    /// <see cref="SortOptions.MemoryBytes"/>), <paramref name="foldBytes"/> the largest bucket a thread loads
    /// whole (that half over the threads, as loaded: <see cref="BucketSorter.LoadedBytes"/>) and
    /// <paramref name="collectBytes"/> the large arrays let go of between two collections (<see cref="Released"/>).
    /// </summary>
    public RecordShuffle(RecordPartials<TRecord, TPartial> partials, SortOptions options, long? heldBytes = null, long? foldBytes = null, long? collectBytes = null)
    {
        _partials = partials;
        _options = options.Validated();
        _budget = heldBytes ?? _options.MemoryBytes / 2;
        _foldBytes = foldBytes;
        _collectBytes = collectBytes ?? Math.Max(16L << 20, _options.MemoryBytes / 8);
        for (int b = 0; b < _buckets.Length; b++)
        {
            _buckets[b] = new Bucket();
        }
    }

    public bool RequiresInputOrder => false;

    public ITargetBlock<EventBatch> CreateBlock(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;

        // Blocks of a quarter of the memory over every worker's buckets, 16 to 256 KiB: at 512 MiB and 2 threads,
        // 256 KiB (32 MiB of open blocks).
        _blockBytes = (int)Math.Clamp(_options.MemoryBytes / 4 / Math.Max(1, context.Threads) / ShuffleSink.Buckets, 16 * 1024, 256 * 1024);
        // A bucket is loaded as records about its own size again (order entries, interned names): a thread may load
        // one of up to half the memory over the threads.
        _foldBudget = _foldBytes ?? Math.Max(1L << 20, _options.MemoryBytes / 2 / Math.Max(1, context.Threads));
        // The folder is made at the first spill: a run that fits in memory leaves no trace in the scratch folder.
        _spillFolder = new SpillFolder(_options.ScratchDirectory, "shuffle", createNow: false, CloseFiles, context.CancellationToken);
        StageCounters counters = context.Counters.ForStage(ShuffleSink.Name);
        return SinkTarget<EventBatch>.CleaningUp(new ActionBlock<EventBatch>(batch => Accumulate(batch, counters), context.ParallelBlockOptions()), _spillFolder.Close);
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        StageContext context = _context ?? throw new InvalidOperationException("The sink has not been run.");
        StageCounters counters = context.Counters.ForStage(ShuffleSink.Name);
        try
        {
            while (_idle.TryTake(out Worker? worker))
            {
                worker.FlushAll(this, counters);
            }

            var sorters = new System.Collections.Concurrent.ConcurrentBag<BucketSorter>();
            await Parallel.ForEachAsync(
                Enumerable.Range(0, _buckets.Length),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, context.Threads), CancellationToken = cancellationToken },
                (b, ct) =>
                {
                    BucketSorter sorter = sorters.TryTake(out BucketSorter? idle) ? idle : new BucketSorter();
                    try
                    {
                        FoldBucket(_buckets[b], sorter, context, splits: 0);
                    }
                    catch (ObjectDisposedException) when (_spillFolder!.IsClosed)
                    {
                        _spillFolder.ThrowIfClosed(); // the closing closed a file under this fold: the run is stopping
                        throw;
                    }
                    finally
                    {
                        sorters.Add(sorter);
                    }

                    return ValueTask.CompletedTask;
                }).ConfigureAwait(false);
            _partials.Complete();
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
            Worker worker = _idle.TryTake(out Worker? idle) ? idle : new Worker(_blockBytes);
            try
            {
                long noLearner = 0;
                long noTime = 0;
                int fileIndex = batch.Source.Index;
                FieldPath learnerKey = _options.By[0];
                ILearnerRecordAnalysis<TRecord, TPartial> analysis = _partials.Analysis;
                for (int i = 0; i < batch.Count; i++)
                {
                    long ticks = LearnerFields.Read(batch, i, learnerKey, worker.Learner);
                    ReadOnlySpan<byte> learner = worker.Learner.WrittenSpan;
                    noLearner += learner.IsEmpty ? 1 : 0;
                    noTime += ticks == long.MaxValue ? 1 : 0;
                    analysis.Project(batch, i, learner, ticks, out TRecord record);
                    int bucket = (int)(XxHash3.HashToUInt64(learner) % ShuffleSink.Buckets);
                    worker.Add(bucket, learner, fileIndex, batch.GetLineNumber(i), ticks, record, this, counters);
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

    /// <summary>
    /// Takes a full block of <paramref name="bucket"/>: kept as it is while the held blocks stay within the budget
    /// (true: the block is the bucket's now), else compressed into the bucket's spill file (false: the caller reuses it).
    /// </summary>
    private bool TakeBlock(int bucket, byte[] block, int used, int records, Span<byte> scratch, StageCounters counters)
    {
        Bucket target = _buckets[bucket];
        Interlocked.Add(ref target.Records, records);
        if (Interlocked.Add(ref _heldBytes, block.Length) <= _budget)
        {
            lock (target)
            {
                target.Blocks.Add((block, used));
            }

            return true;
        }

        Interlocked.Add(ref _heldBytes, -block.Length);
        SpillFile? file = Volatile.Read(ref target.File);
        if (file is null)
        {
            lock (_buckets)
            {
                file = target.File ??= NewSpillFile();
            }
        }

        SpillBlock(file, block.AsSpan(0, used), scratch, counters);
        return false;
    }

    /// <summary>A new spill file in the run's folder; the caller holds the lock on <c>_buckets</c> that <see cref="CloseFiles"/> takes.</summary>
    private SpillFile NewSpillFile()
    {
        try
        {
            return _spillFolder!.CreateFile();
        }
        catch (IOException e)
        {
            throw new IOException($"The shuffle could not create a spill file in {_spillFolder!.Location}: {e.Message}", e);
        }
    }

    /// <summary>A new spill file made during the fold (a split's part, a learner's run on disk), known to <see cref="CloseFiles"/> until read.</summary>
    private SpillFile NewSplitFile()
    {
        lock (_buckets)
        {
            SpillFile file = NewSpillFile();
            _splitFiles.Add(file);
            return file;
        }
    }

    /// <summary>Compresses a block of whole records into <paramref name="file"/>, counting its bytes; a closing folder is a cancellation.</summary>
    private void SpillBlock(SpillFile file, ReadOnlySpan<byte> records, Span<byte> scratch, StageCounters counters)
    {
        try
        {
            counters.AddFact("spilled-bytes", file.WriteBlock(records, scratch));
        }
        catch (ObjectDisposedException) when (_spillFolder!.IsClosed)
        {
            _spillFolder.ThrowIfClosed(); // the closing disposed the file under this thread: the run is stopping
            throw;
        }
        catch (IOException e)
        {
            throw new IOException($"The shuffle could not spill to {_spillFolder!.Location} (is the disk full?): {e.Message}", e);
        }
    }

    /// <summary>
    /// Loads one bucket's records, sorts them by learner and time, and folds each learner; on one thread. A bucket
    /// larger than <see cref="_foldBudget"/> is split first (<see cref="BucketSplitter"/>) and its parts folded in turn.
    /// </summary>
    private void FoldBucket(Bucket bucket, BucketSorter sorter, StageContext context, int splits)
    {
        sorter.Clear();
        List<(byte[] Block, int Used)> blocks;
        lock (bucket)
        {
            blocks = bucket.Blocks;
            bucket.Blocks = [];
        }

        SpillFile? file = Interlocked.Exchange(ref bucket.File, null);
        long records = Interlocked.Exchange(ref bucket.Records, 0);
        long bytes = file?.RawBytes ?? 0;
        foreach ((byte[] _, int used) in blocks)
        {
            bytes += used;
        }

        if (BucketSorter.LoadedBytes(records) > _foldBudget && splits < MaxSplits)
        {
            StageCounters counters = context.Counters.ForStage(ShuffleSink.Name);
            Bucket[] parts;
            using (var splitter = new BucketSplitter(this, splits + 1, counters))
            {
                Drain(blocks, file, splitter);
                parts = splitter.Finish();
            }

            counters.AddFact("resplit-bytes", bytes);
            foreach (Bucket part in parts)
            {
                // A part holding every record of its bucket did not split (one learner): it is folded as it is.
                FoldBucket(part, sorter, context, part.Records == records ? MaxSplits : splits + 1);
            }

            return;
        }

        if (BucketSorter.LoadedBytes(records) > _foldBudget && _partials.Analysis is ILearnerRecordStream<TRecord, TPartial> stream)
        {
            // Too large to load and not split further: one learner (a bot, a staff script). Sorted on disk, streamed.
            FoldOnDisk(blocks, file, stream, context);
            return;
        }

        Released(sorter.Reserve(records));
        Drain(blocks, file, sorter);
        if (sorter.Count == 0)
        {
            return;
        }

        TPartial partial = _partials.Take();
        try
        {
            sorter.Fold(_partials.Analysis, partial, context.Counters);
        }
        finally
        {
            _partials.Return(partial);
        }
    }

    /// <summary>
    /// Hands every record of a bucket, its held blocks then its spill file, to <paramref name="records"/>: each block's
    /// memory leaves the held budget once read, and the file is disposed (and forgotten, if a split made it) once read.
    /// </summary>
    private void Drain(List<(byte[] Block, int Used)> blocks, SpillFile? file, IBucketRecords records)
    {
        long drained = 0;
        foreach ((byte[] block, int used) in blocks)
        {
            ReadOnlySpan<byte> rest = block.AsSpan(0, used);
            while (!rest.IsEmpty)
            {
                int keyLength = BinaryPrimitives.ReadInt32LittleEndian(rest);
                int payloadLength = BinaryPrimitives.ReadInt32LittleEndian(rest[4..]);
                records.Add(rest.Slice(8, keyLength), rest.Slice(8 + keyLength, payloadLength));
                rest = rest[(8 + keyLength + payloadLength)..];
            }

            Interlocked.Add(ref _heldBytes, -block.Length);
            drained += block.Length;
        }

        blocks.Clear();
        Released(drained);
        if (file is not null)
        {
            using (file)
            {
                file.Rewind();
                while (file.MoveNext())
                {
                    records.Add(file.Key, file.Json);
                }
            }

            lock (_buckets)
            {
                _splitFiles.Remove(file);
            }
        }
    }

    /// <summary>
    /// Folds a bucket too large to load that no split divides (one learner's records, or those of the events without
    /// one) without holding it: its records are sorted by (learner, time, file, line) in runs of half the fold's share
    /// of the memory, spilled but the last, merged, and handed to <paramref name="stream"/> a piece at a time. Counts
    /// <c>streamed-records</c> under <c>shuffle</c>.
    /// </summary>
    private void FoldOnDisk(List<(byte[] Block, int Used)> blocks, SpillFile? file, ILearnerRecordStream<TRecord, TPartial> stream, StageContext context)
    {
        StageCounters counters = context.Counters.ForStage(ShuffleSink.Name);
        var runs = new List<IRecordCursor>();
        int runBytes = (int)Math.Clamp(_foldBudget / 2, 4096, Array.MaxLength - 64);
        var chunker = new StreamRuns(this, runs, runBytes, counters);
        try
        {
            using (chunker)
            {
                Drain(blocks, file, chunker);
                chunker.Finish();
            }

            TPartial partial = _partials.Take();
            try
            {
                using var merger = new RecordMerger(runs);
                runs.Clear(); // the merger's now
                counters.AddFact("streamed-records", StreamLearners(merger, stream, partial, Math.Max(1, runBytes / 4 / Unsafe.SizeOf<TRecord>()), context.Counters));
            }
            finally
            {
                _partials.Return(partial);
            }
        }
        finally
        {
            foreach (IRecordCursor run in runs)
            {
                run.Dispose();
            }

            lock (_buckets)
            {
                foreach (SpillFile created in chunker.Created)
                {
                    created.Dispose(); // read to its end by now, or let go of: the run stopped
                    _splitFiles.Remove(created);
                }
            }
        }
    }

    /// <summary>Hands the merged records to <paramref name="stream"/>, a learner at a time, in pieces of at most <paramref name="piece"/> records; returns how many.</summary>
    private static long StreamLearners(RecordMerger merger, ILearnerRecordStream<TRecord, TPartial> stream, TPartial partial, int piece, RunCounters counters)
    {
        var buffer = new TRecord[Math.Min(piece, 1 << 16)];
        byte[] learner = [];
        bool open = false;
        int n = 0;
        long total = 0;
        while (merger.MoveNext())
        {
            ReadOnlySpan<byte> key = merger.Current.Key;
            ReadOnlySpan<byte> name = key.Slice(4, BinaryPrimitives.ReadInt32BigEndian(key));
            if (!open || !name.SequenceEqual(learner))
            {
                if (open)
                {
                    Flush(ref n);
                    stream.End(partial);
                }

                learner = name.ToArray();
                stream.Begin(partial, System.Text.Encoding.UTF8.GetString(learner));
                open = true;
            }

            buffer[n++] = MemoryMarshal.Read<TRecord>(merger.Current.Json);
            if (n == buffer.Length)
            {
                Flush(ref n);
            }
        }

        if (open)
        {
            Flush(ref n);
            stream.End(partial);
        }

        return total;

        void Flush(ref int count)
        {
            if (count > 0)
            {
                stream.Continue(partial, buffer.AsSpan(0, count));
                counters.AddWritten(count);
                total += count;
                count = 0;
            }
        }
    }

    /// <summary>
    /// Notes <paramref name="bytes"/> of large arrays let go of (held blocks read, a sorter's outgrown buffers), and
    /// collects the whole heap once they add up to an eighth of the memory (at least 16 MiB).
    /// </summary>
    /// <remarks>
    /// These arrays live in the large object heap, which only a full collection sweeps, and a host with memory to
    /// spare runs one rarely: the fold's new buffers were allocated beside the read blocks it had let go of, not in
    /// their place. Over 16M generated events (2,000 learners, <c>--memory 512MiB</c>) the heap grew from 314 MiB at
    /// the start of the fold to 597 MiB while about 326 MiB of it was live, and the run peaked at 780 MiB; with these
    /// collections, 540 MiB (32M events: 783 MiB against 1,209 MiB, the rest being one learner of 1.4M events).
    /// </remarks>
    private void Released(long bytes)
    {
        // An application that turned the engine's collections off (YoungGeneration's setting at 0) gets none here either.
        if (bytes <= 0 || YoungGeneration.BudgetBytes <= 0)
        {
            return;
        }

        if (Interlocked.Add(ref _garbageBytes, bytes) >= _collectBytes && Interlocked.Exchange(ref _garbageBytes, 0) >= _collectBytes)
        {
            // Compacting the large object heap too: swept only, its free space stayed committed beside the new buffers
            // (695 MiB against 540 MiB compacted, same run).
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            Interlocked.Increment(ref _collections);
        }
    }

    /// <summary>The collections <see cref="Released"/> made, for tests.</summary>
    internal int Collections => Volatile.Read(ref _collections);

    /// <summary>Disposes the buckets' spill files and held blocks and the idle workers: the spill folder is being closed.</summary>
    private void CloseFiles()
    {
        lock (_buckets)
        {
            foreach (Bucket bucket in _buckets)
            {
                Interlocked.Exchange(ref bucket.File, null)?.Dispose();
                lock (bucket)
                {
                    bucket.Blocks = [];
                }
            }

            // Only the handles: a fold thread may be writing or reading one of these (a split's part, a learner's run
            // on disk) with its buffers, which it gives back itself when the closed handle fails it; a file no thread
            // holds has none (given back at its Rewind).
            foreach (SpillFile file in _splitFiles)
            {
                file.CloseHandle();
            }

            _splitFiles.Clear();
        }

        while (_idle.TryTake(out Worker? worker))
        {
            worker.Dispose();
        }
    }

    private void Cleanup() => _spillFolder?.Close();

    /// <summary>One bucket: its blocks held in memory and its spill file, if it needed one.</summary>
    private sealed class Bucket
    {
        public SpillFile? File;

        /// <summary>The records in <see cref="Blocks"/> and <see cref="File"/>.</summary>
        public long Records;

        public List<(byte[] Block, int Used)> Blocks { get; set; } = [];
    }

    /// <summary>
    /// One worker thread's open block per bucket. Blocks are the collector's, not the pool's: a kept block becomes
    /// the bucket's, and the worker starts a new one.
    /// </summary>
    private sealed class Worker(int blockBytes) : IDisposable
    {
        private readonly byte[]?[] _blocks = new byte[]?[ShuffleSink.Buckets];
        private readonly int[] _used = new int[ShuffleSink.Buckets];
        private readonly int[] _records = new int[ShuffleSink.Buckets];
        private byte[] _scratch = [];

        public ArrayBufferWriter<byte> Learner { get; } = new(256);

        public void Add(int bucket, ReadOnlySpan<byte> learner, int file, long line, long ticks, in TRecord record, RecordShuffle<TRecord, TPartial> owner, StageCounters counters)
        {
            int payload = Place + Unsafe.SizeOf<TRecord>();
            int size = 8 + learner.Length + payload;
            byte[] block = _blocks[bucket] ??= GC.AllocateUninitializedArray<byte>(Math.Max(blockBytes, size));
            if (_used[bucket] + size > block.Length)
            {
                Flush(bucket, owner, counters);
                block = _blocks[bucket] ??= GC.AllocateUninitializedArray<byte>(Math.Max(blockBytes, size));
                if (size > block.Length)
                {
                    block = _blocks[bucket] = GC.AllocateUninitializedArray<byte>(size); // a learner key larger than a block
                }
            }

            Span<byte> at = block.AsSpan(_used[bucket], size);
            BinaryPrimitives.WriteInt32LittleEndian(at, learner.Length);
            BinaryPrimitives.WriteInt32LittleEndian(at[4..], payload);
            learner.CopyTo(at[8..]);
            Span<byte> place = at[(8 + learner.Length)..];
            BinaryPrimitives.WriteInt32LittleEndian(place, file);
            BinaryPrimitives.WriteInt64LittleEndian(place[4..], line);
            BinaryPrimitives.WriteInt64LittleEndian(place[12..], ticks);
            MemoryMarshal.Write(place[Place..], in record);
            _used[bucket] += size;
            _records[bucket]++;
        }

        public void FlushAll(RecordShuffle<TRecord, TPartial> owner, StageCounters counters)
        {
            for (int b = 0; b < ShuffleSink.Buckets; b++)
            {
                Flush(b, owner, counters);
            }

            Dispose();
        }

        public void Dispose()
        {
            Array.Clear(_blocks);
            _scratch = [];
        }

        private void Flush(int bucket, RecordShuffle<TRecord, TPartial> owner, StageCounters counters)
        {
            if (_used[bucket] == 0)
            {
                return;
            }

            byte[] block = _blocks[bucket]!;
            if (_scratch.Length < SpillFile.ScratchBytes(block.Length))
            {
                _scratch = GC.AllocateUninitializedArray<byte>(SpillFile.ScratchBytes(block.Length));
            }

            if (owner.TakeBlock(bucket, block, _used[bucket], _records[bucket], _scratch, counters))
            {
                _blocks[bucket] = null; // the bucket's now
            }

            _used[bucket] = 0;
            _records[bucket] = 0;
        }
    }

    /// <summary>What takes a bucket's records one by one (<see cref="Drain"/>): the learner's text and the record's payload.</summary>
    private interface IBucketRecords
    {
        void Add(ReadOnlySpan<byte> learner, ReadOnlySpan<byte> payload);
    }

    /// <summary>
    /// Splits a bucket too large to fold into <see cref="ShuffleSink.Buckets"/> parts by a hash of the learner seeded
    /// with the split's depth (so learners that shared a bucket part ways), each part spilled to a file of its own,
    /// known to <see cref="CloseFiles"/> until it is read.
    /// </summary>
    private sealed class BucketSplitter(RecordShuffle<TRecord, TPartial> owner, int seed, StageCounters counters) : IBucketRecords, IDisposable
    {
        private readonly Bucket[] _parts = new Bucket[ShuffleSink.Buckets];
        private readonly byte[]?[] _open = new byte[]?[ShuffleSink.Buckets];
        private readonly int[] _used = new int[ShuffleSink.Buckets];
        private byte[] _scratch = ArrayPool<byte>.Shared.Rent(SpillFile.ScratchBytes(SpillFile.BlockBytes));

        /// <summary>Appends one record to its part's open block, written to the part's file when full.</summary>
        public void Add(ReadOnlySpan<byte> learner, ReadOnlySpan<byte> payload)
        {
            int size = 8 + learner.Length + payload.Length;
            int p = (int)(XxHash3.HashToUInt64(learner, seed) % ShuffleSink.Buckets);
            byte[] block = _open[p] ??= ArrayPool<byte>.Shared.Rent(SpillFile.BlockBytes);
            if (_used[p] + size > block.Length)
            {
                Flush(p);
                if (size > block.Length)
                {
                    ArrayPool<byte>.Shared.Return(block);
                    block = _open[p] = ArrayPool<byte>.Shared.Rent(size); // a learner key larger than a block
                }
            }

            Span<byte> at = block.AsSpan(_used[p], size);
            BinaryPrimitives.WriteInt32LittleEndian(at, learner.Length);
            BinaryPrimitives.WriteInt32LittleEndian(at[4..], payload.Length);
            learner.CopyTo(at[8..]);
            payload.CopyTo(at[(8 + learner.Length)..]);
            _used[p] += size;
            (_parts[p] ??= new Bucket()).Records++;
        }

        /// <summary>Writes the open blocks and gives the parts (a part nothing went to is an empty bucket).</summary>
        public Bucket[] Finish()
        {
            for (int p = 0; p < _parts.Length; p++)
            {
                Flush(p);
                _parts[p] ??= new Bucket();
            }

            return _parts;
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = [];
            for (int p = 0; p < _open.Length; p++)
            {
                if (_open[p] is { } block)
                {
                    ArrayPool<byte>.Shared.Return(block);
                    _open[p] = null;
                }
            }
        }

        private void Flush(int p)
        {
            if (_used[p] == 0)
            {
                return;
            }

            Bucket part = _parts[p] ??= new Bucket();
            part.File ??= owner.NewSplitFile();

            if (_scratch.Length < SpillFile.ScratchBytes(_used[p]))
            {
                ArrayPool<byte>.Shared.Return(_scratch);
                _scratch = ArrayPool<byte>.Shared.Rent(SpillFile.ScratchBytes(_used[p]));
            }

            owner.SpillBlock(part.File, _open[p]!.AsSpan(0, _used[p]), _scratch, counters);
            _used[p] = 0;
        }
    }

    /// <summary>
    /// Sorted runs of one bucket's records for <see cref="FoldOnDisk"/>: each record keyed by its learner (length first:
    /// the records of one learner are together, whatever the order between learners), then time, file and line as
    /// big-endian numbers (the time's sign flipped), so the keys compare as bytes in the order of <see cref="Entry"/>;
    /// a full run is sorted and spilled, the last one kept in memory.
    /// </summary>
    private sealed class StreamRuns(RecordShuffle<TRecord, TPartial> owner, List<IRecordCursor> runs, int runBytes, StageCounters counters) : IBucketRecords, IDisposable
    {
        private SortRun? _run = new(runBytes);
        private byte[] _key = new byte[64];

        public void Add(ReadOnlySpan<byte> learner, ReadOnlySpan<byte> payload)
        {
            int size = 4 + learner.Length + 20;
            if (_key.Length < size)
            {
                _key = new byte[Math.Max(size, _key.Length * 2)];
            }

            Span<byte> key = _key.AsSpan(0, size);
            BinaryPrimitives.WriteInt32BigEndian(key, learner.Length);
            learner.CopyTo(key[4..]);
            Span<byte> order = key[(4 + learner.Length)..];
            BinaryPrimitives.WriteInt64BigEndian(order, BinaryPrimitives.ReadInt64LittleEndian(payload[12..]) ^ long.MinValue);
            BinaryPrimitives.WriteInt32BigEndian(order[8..], BinaryPrimitives.ReadInt32LittleEndian(payload) ^ int.MinValue);
            BinaryPrimitives.WriteInt64BigEndian(order[12..], BinaryPrimitives.ReadInt64LittleEndian(payload[4..]) ^ long.MinValue);
            ReadOnlySpan<byte> record = payload[Place..];
            if (!_run!.TryAdd(key, record))
            {
                Spill();
                _run.TryAdd(key, record);
            }
        }

        /// <summary>Keeps the last run in memory, sorted, as the merge's last cursor.</summary>
        public void Finish()
        {
            if (_run is { Count: > 0 } run)
            {
                run.Sort();
                runs.Add(new MemoryRunCursor(run));
            }

            _run = null;
        }

        public void Dispose() => _run = null;

        /// <summary>The spill files made, known to the closing (<see cref="CloseFiles"/>) until the fold is done with them.</summary>
        public List<SpillFile> Created { get; } = [];

        private void Spill()
        {
            _run!.Sort();
            SpillFile spill = SpillFile.Write(_run, () =>
            {
                SpillFile created = owner.NewSplitFile();
                Created.Add(created);
                return created;
            });
            runs.Add(spill);
            counters.AddFact("spilled-bytes", spill.CompressedBytes);
            _run.Clear();
        }
    }

    /// <summary>A thread's buffers for one bucket at a time: the records, their order, the learners interned.</summary>
    private sealed class BucketSorter : IBucketRecords
    {
        private readonly Dictionary<ulong, int> _ids = [];
        private readonly List<byte[]> _keys = [];
        private readonly List<string> _names = [];
        private Entry[] _entries = new Entry[4096];
        private TRecord[] _records = new TRecord[4096];
        private TRecord[] _learner = new TRecord[256];
        private Entry[] _placed = [];
        private int[] _starts = [];

        public int Count { get; private set; }

        /// <summary>
        /// The bytes a bucket of <paramref name="records"/> records takes once loaded: two order entries and two
        /// copies of the record a record (<see cref="Fold"/> gathers a learner's in time order; a learner's copy is at
        /// most the bucket's). The learners' names are left out: one a learner, not a record.
        /// </summary>
        public static long LoadedBytes(long records) => records * ((2L * Unsafe.SizeOf<Entry>()) + (2L * Unsafe.SizeOf<TRecord>()));

        public void Clear()
        {
            Count = 0;
            _ids.Clear();
            _keys.Clear();
            _names.Clear();
        }

        /// <summary>
        /// Makes room for a bucket of <paramref name="records"/> records, exactly: arrays grown by doubling held up to
        /// twice the records, and each doubling left the old arrays to the collector.
        /// </summary>
        /// <returns>The bytes of the buffers let go of.</returns>
        public long Reserve(long records)
        {
            if (records <= _entries.Length)
            {
                return 0;
            }

            long discarded = ((long)(_entries.Length + _placed.Length) * Unsafe.SizeOf<Entry>()) + ((long)_records.Length * Unsafe.SizeOf<TRecord>());
            int length = (int)Math.Min(records, Array.MaxLength);
            _entries = _placed = [];
            _records = [];
            _entries = new Entry[length];
            _records = new TRecord[length];
            return discarded;
        }

        public void Add(ReadOnlySpan<byte> learner, ReadOnlySpan<byte> payload)
        {
            if (Count == _entries.Length)
            {
                // Reserve was told fewer records than came (not expected): grow as before.
                Array.Resize(ref _entries, Math.Max(4096, Count * 2));
                Array.Resize(ref _records, Math.Max(4096, Count * 2));
            }

            _records[Count] = MemoryMarshal.Read<TRecord>(payload[Place..]);
            _entries[Count] = new Entry(
                Intern(learner), BinaryPrimitives.ReadInt32LittleEndian(payload), BinaryPrimitives.ReadInt64LittleEndian(payload[12..]),
                BinaryPrimitives.ReadInt64LittleEndian(payload[4..]), Count);
            Count++;
        }

        /// <summary>
        /// Puts the records in (learner, time, file, line) order and hands each learner's over: the entries are first
        /// placed by learner (a counting sort on the interned numbers), then each learner's are sorted alone, so the
        /// comparisons are over a learner's records, not the bucket's (1M events, 2,000 learners: the sorting took
        /// 4.8% of the run's CPU as one sort of each bucket).
        /// </summary>
        public void Fold(ILearnerRecordAnalysis<TRecord, TPartial> analysis, TPartial partial, RunCounters counters)
        {
            int learners = _names.Count;
            if (_starts.Length < learners + 1)
            {
                _starts = new int[Math.Max(learners + 1, _starts.Length * 2)];
            }

            Array.Clear(_starts, 0, learners + 1);
            for (int i = 0; i < Count; i++)
            {
                _starts[_entries[i].Learner + 1]++;
            }

            for (int l = 0; l < learners; l++)
            {
                _starts[l + 1] += _starts[l];
            }

            if (_placed.Length < Count)
            {
                _placed = [];
                _placed = new Entry[_entries.Length];
            }

            for (int i = 0; i < Count; i++)
            {
                _placed[_starts[_entries[i].Learner]++] = _entries[i];
            }

            int start = 0;
            for (int l = 0; l < learners; l++)
            {
                int end = _starts[l]; // moved to the learner's end by the placing
                int n = end - start;
                Array.Sort(_placed, start, n);
                if (_learner.Length < n)
                {
                    int length = Math.Min(Count, Math.Max(n, _learner.Length * 2));
                    _learner = []; // let go of before the larger one is made
                    _learner = new TRecord[length];
                }

                for (int i = 0; i < n; i++)
                {
                    _learner[i] = _records[_placed[start + i].Index];
                }

                analysis.Accumulate(partial, _names[l], _learner.AsSpan(0, n));
                counters.AddWritten(n);
                start = end;
            }

            if (_learner.Length > 1 << 20)
            {
                _learner = new TRecord[256]; // a very large learner's array is not kept for the next bucket
            }
        }

        /// <summary>The learner's number in this bucket: by XxHash3 of the text, the text compared (a collision tries the next seed).</summary>
        private int Intern(ReadOnlySpan<byte> learner)
        {
            for (long seed = 0; ; seed++)
            {
                ulong hash = XxHash3.HashToUInt64(learner, seed);
                if (!_ids.TryGetValue(hash, out int id))
                {
                    id = _keys.Count;
                    _ids[hash] = id;
                    _keys.Add(learner.ToArray());
                    _names.Add(System.Text.Encoding.UTF8.GetString(learner));
                    return id;
                }

                if (learner.SequenceEqual(_keys[id]))
                {
                    return id;
                }
            }
        }
    }

    /// <summary>A record's place in the order: learner, then time, then input order.</summary>
    [StructLayout(LayoutKind.Auto)]
    private readonly record struct Entry(int Learner, int File, long Ticks, long Line, int Index) : IComparable<Entry>
    {
        public int CompareTo(Entry other)
        {
            int c = Learner.CompareTo(other.Learner);
            if (c != 0)
            {
                return c;
            }

            c = Ticks.CompareTo(other.Ticks);
            if (c != 0)
            {
                return c;
            }

            c = File.CompareTo(other.File);
            return c != 0 ? c : Line.CompareTo(other.Line);
        }
    }
}
