using System.Collections;
using System.Runtime.CompilerServices;

namespace XAnalytics.Reports;

/// <summary>
/// One partial's records of type <typeparamref name="T"/> by learner bucket: a block per bucket
/// (<see cref="LearnerBuckets"/>), made at its first record and written to the section's scratch files
/// (<see cref="BucketSpill{T}"/>) whenever it fills, so a worker holds at most <see cref="LearnerBuckets.Count"/>
/// blocks whatever the archive's size. <see cref="ReadBucket"/> gives a bucket's records back, held and spilled;
/// enumerating gives the held ones only (what the partial holds in memory, for tests).
/// </summary>
/// <typeparam name="T">The record: a plain struct, no references.</typeparam>
internal sealed class HeldRecords<T> : IEnumerable<T>
    where T : unmanaged
{
    private readonly T[]?[] _held = new T[]?[LearnerBuckets.Count];
    private readonly int[] _counts = new int[LearnerBuckets.Count];
    private readonly long[] _totals = new long[LearnerBuckets.Count];
    private long[]? _slices; // records per bucket and finest part (AddFor, AddWholeFor): the exact size of any part
    private byte[] _raw = [];
    private byte[] _compressed = [];

    /// <param name="spill">The section's scratch files, shared by its partials.</param>
    /// <param name="blockRecords">Records per held block.</param>
    public HeldRecords(BucketSpill<T> spill, int blockRecords)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRecords, 1);
        Spill = spill;
        Owner = spill.NewOwner();
        Owners = [Owner];
        BlockRecords = blockRecords;
    }

    /// <summary>The section's scratch files, shared by its partials.</summary>
    public BucketSpill<T> Spill { get; }

    /// <summary>This partial's number in <see cref="Spill"/>'s blocks.</summary>
    public int Owner { get; }

    /// <summary>The owner numbers whose spilled blocks are this partial's: its own and those of the partials merged into it.</summary>
    public HashSet<int> Owners { get; }

    /// <summary>Records per held block.</summary>
    public int BlockRecords { get; }

    /// <summary>The records held for <paramref name="bucket"/>.</summary>
    public ReadOnlySpan<T> HeldOf(int bucket) => _held[bucket].AsSpan(0, _counts[bucket]);

    /// <summary>The records added to <paramref name="bucket"/> (held and spilled, with those of the partials merged in): what <see cref="ReadBucket"/> will hand back, to size its buffer once.</summary>
    public long TotalOf(int bucket) => _totals[bucket];

    /// <summary>The records added to all buckets (<see cref="TotalOf"/> summed).</summary>
    public long Total
    {
        get
        {
            long total = 0;
            foreach (long t in _totals)
            {
                total += t;
            }

            return total;
        }
    }

    /// <summary>Adds a record to <paramref name="bucket"/>, writing the bucket's block to the scratch files when it fills.</summary>
    public void Add(int bucket, in T record)
    {
        T[] block = _held[bucket] ??= new T[BlockRecords];
        block[_counts[bucket]++] = record;
        _totals[bucket]++;
        if (_counts[bucket] == block.Length)
        {
            Spill.Write(bucket, Owner, block, ref _raw, ref _compressed);
            _counts[bucket] = 0;
        }
    }

    /// <summary>
    /// <see cref="Add"/> to the bucket of <paramref name="learner"/> (<see cref="LearnerBuckets.Of"/>, the value
    /// <see cref="LearnerBuckets.PartOf"/> reads back), counted by the finest part too, so that
    /// <see cref="ReadBucket{TPart}"/> sizes its buffer for the largest part exactly.
    /// </summary>
    public void AddFor(long learner, in T record)
    {
        int bucket = LearnerBuckets.Of(learner);
        CountSlice(bucket, learner, 1);
        Add(bucket, record);
    }

    /// <summary><see cref="AddWhole"/> to the bucket of <paramref name="learner"/>, counted as <see cref="AddFor"/> counts.</summary>
    public void AddWholeFor(long learner, ReadOnlySpan<T> records)
    {
        int bucket = LearnerBuckets.Of(learner);
        CountSlice(bucket, learner, records.Length);
        AddWhole(bucket, records);
    }

    private void CountSlice(int bucket, long learner, int records)
    {
        _slices ??= new long[LearnerBuckets.Count * LearnerBuckets.MaxParts];
        _slices[(bucket * LearnerBuckets.MaxParts) + LearnerBuckets.PartOf(learner, LearnerBuckets.MaxParts)] += records;
    }

    /// <summary>
    /// Adds <paramref name="records"/> to <paramref name="bucket"/> whole: when they do not fit in the bucket's block
    /// the block is written to the scratch files first, and more than a block is written at once as a block of its
    /// own, so a block never splits them. Variable-length records (length-prefixed bytes, <c>T</c> = <see cref="byte"/>)
    /// are added this way: every block, held or spilled, then holds whole records, and <see cref="ReadBucket"/> hands
    /// back a run of whole records.
    /// </summary>
    public void AddWhole(int bucket, ReadOnlySpan<T> records)
    {
        T[] block = _held[bucket] ??= new T[BlockRecords];
        _totals[bucket] += records.Length;
        int count = _counts[bucket];
        if (count + records.Length > block.Length && count > 0)
        {
            Spill.Write(bucket, Owner, block.AsSpan(0, count), ref _raw, ref _compressed);
            count = 0;
        }

        if (records.Length > block.Length)
        {
            Spill.Write(bucket, Owner, records, ref _raw, ref _compressed);
        }
        else
        {
            records.CopyTo(block.AsSpan(count));
            count += records.Length;
        }

        _counts[bucket] = count;
    }

    /// <summary>
    /// <see cref="MergeFrom"/> for records added by <see cref="AddWhole"/>: each of <paramref name="from"/>'s held
    /// blocks is taken as one whole (it holds whole records), so no record is split.
    /// </summary>
    public void MergeWholeFrom(HeldRecords<T> from)
    {
        for (int b = 0; b < LearnerBuckets.Count; b++)
        {
            if (from._counts[b] > 0)
            {
                AddWhole(b, from.HeldOf(b));
            }

            _totals[b] += from._totals[b] - from._counts[b];
            from._totals[b] = 0;
        }

        MergeSlices(from);
        from.ReleaseHeld();
        Owners.UnionWith(from.Owners);
        from.Owners.Clear();
    }

    /// <summary>Takes <paramref name="from"/>'s records into this partial (its held ones copied, its spilled ones by owner), and empties it.</summary>
    public void MergeFrom(HeldRecords<T> from)
    {
        for (int b = 0; b < LearnerBuckets.Count; b++)
        {
            foreach (ref readonly T r in from.HeldOf(b))
            {
                Add(b, r);
            }
        }

        for (int b = 0; b < LearnerBuckets.Count; b++)
        {
            _totals[b] += from._totals[b] - from._counts[b];
            from._totals[b] = 0;
        }

        MergeSlices(from);
        from.ReleaseHeld();
        Owners.UnionWith(from.Owners);
        from.Owners.Clear();
    }

    /// <summary>Appends <paramref name="bucket"/>'s records, held and spilled, to <paramref name="into"/> (the partial stays as it is).</summary>
    public void ReadBucket(int bucket, RecordBuffer<T> into) => ReadBucket(bucket, into, default(WholeBucket), 1);

    /// <summary>
    /// Appends the records of <paramref name="bucket"/>, held and spilled, that are in <paramref name="part"/> (one of
    /// <paramref name="parts"/>, <see cref="PartsFor"/>) to <paramref name="into"/> (the partial stays as it is).
    /// </summary>
    public void ReadBucket<TPart>(int bucket, RecordBuffer<T> into, TPart part, int parts)
        where TPart : struct, IBucketPart<T>
    {
        // Room for the largest bucket's part at the first read: a completion reads its buckets one after the other into
        // one buffer, and growing it to each bucket larger than those before left the smaller arrays on the large-object
        // heap until a full collection. Over 8M events (buckets of 10-17 MB) problem_response's working set rose in
        // steps of 16 MiB at the 1st, 4th, 9th and 15th bucket (135 -> 207 MiB). A part is sized as LargestPart says.
        long room = LargestPart(parts);
        into.EnsureCapacity((int)Math.Min(Array.MaxLength, into.Count + room));
        part.AddTo(into, HeldOf(bucket));
        Spill.Read(bucket, Owners, into, part, parts);
    }

    /// <summary>The parts (<see cref="LearnerBuckets.Parts"/>) this partial's largest bucket is read in, at most <paramref name="partBytes"/> each.</summary>
    public int PartsFor(long partBytes) => LearnerBuckets.Parts(Largest() * Unsafe.SizeOf<T>(), partBytes);

    /// <summary>Drops <paramref name="bucket"/>'s held block (once read).</summary>
    public void ReleaseBucket(int bucket)
    {
        _held[bucket] = null;
        _counts[bucket] = 0;
    }

    /// <summary>Drops the held blocks (once read, or merged into another partial).</summary>
    public void ReleaseHeld()
    {
        Array.Clear(_held);
        Array.Clear(_counts);
    }

    /// <summary>
    /// The records of the largest part of any bucket read in <paramref name="parts"/>: exact when the records were
    /// counted by part (<see cref="AddFor"/>); otherwise the largest bucket's share with an eighth to spare, as learners
    /// do not split evenly, and the buffer grows (doubling) for a part larger than that. Over 8M generated events
    /// problem_response's buffer grew so from 11 to 23 MB at its 17th part of 32.
    /// </summary>
    private long LargestPart(int parts)
    {
        if (parts == 1 || _slices is null)
        {
            long largest = Largest();
            return parts == 1 ? largest : (largest / parts) + (largest / parts / 8);
        }

        int perPart = LearnerBuckets.MaxParts / parts;
        long most = 0;
        for (int at = 0; at < _slices.Length; at += perPart)
        {
            long sum = 0;
            for (int s = at; s < at + perPart; s++)
            {
                sum += _slices[s];
            }

            most = Math.Max(most, sum);
        }

        return most;
    }

    private void MergeSlices(HeldRecords<T> from)
    {
        if (from._slices is null)
        {
            return;
        }

        _slices ??= new long[from._slices.Length];
        for (int i = 0; i < _slices.Length; i++)
        {
            _slices[i] += from._slices[i];
        }

        Array.Clear(from._slices);
    }

    private long Largest()
    {
        long largest = 0;
        foreach (long total in _totals)
        {
            largest = Math.Max(largest, total);
        }

        return largest;
    }

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator()
    {
        for (int b = 0; b < LearnerBuckets.Count; b++)
        {
            T[]? block = _held[b];
            for (int i = 0; i < _counts[b]; i++)
            {
                yield return block![i];
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A bucket read whole: every record.</summary>
    private readonly struct WholeBucket : IBucketPart<T>
    {
        public int Index => 0;

        public void AddTo(RecordBuffer<T> into, ReadOnlySpan<T> block) => into.AddRange(block);

        public void Route(ReadOnlySpan<T> block, PartRouter<T> router) => router.Add(0, block);
    }
}
