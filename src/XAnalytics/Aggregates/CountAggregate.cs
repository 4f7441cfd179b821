using System.IO.Hashing;
using XAnalytics.Events;
using XAnalytics.Internal;
using XAnalytics.Pipeline;

namespace XAnalytics.Aggregates;

/// <summary>
/// Counts events, overall and per distinct value of one or more fields (<c>event_type</c>,
/// <c>context.course_id</c>, <c>day</c>...). Without fields: total events and distinct users (non-empty
/// <c>username</c>).
/// </summary>
public sealed class CountAggregate : IPartialAggregate<CountTable>
{
    /// <summary>
    /// Distinct values a worker counts in a table of its own before it moves to the run's shared table. Few values
    /// (event types of the synthetic archive: 600) stay per worker, without a lock per event; many (URL event
    /// types of real logs, learners) go to one table in stripes, so they are held once and never merged.
    /// </summary>
    internal const int ShareAbove = 16_384;

    private static readonly FieldPath s_username = FieldPath.Parse("username");
    private readonly FieldPath[] _by;
    private SharedUtf8Counter? _shared;

    /// <summary>Counts per distinct value of <paramref name="by"/> (none: totals only).</summary>
    public CountAggregate(IReadOnlyList<FieldPath> by)
    {
        ArgumentNullException.ThrowIfNull(by);
        _by = [.. by];
    }

    /// <summary>The fields counted by.</summary>
    public IReadOnlyList<FieldPath> By => _by;

    /// <summary>The result, once the run has ended; null before.</summary>
    public CountResult? Result { get; private set; }

    /// <inheritdoc/>
    public CountTable CreatePartial() => new(_by.Length == 0 ? [s_username] : _by);

    /// <inheritdoc/>
    public void Accumulate(CountTable target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(batch);
        target.Events += batch.Count;
        SharedUtf8Counter? shared = target.Shared;
        for (int i = 0; i < batch.Count; i++)
        {
            ReadOnlySpan<byte> key = target.Key.Build(batch, i);
            if (shared is not null)
            {
                shared.Add(key, 1);
                continue;
            }

            target.Counter.Add(key, 1);
            if (target.Counter.Count > ShareAbove)
            {
                shared = target.Shared = LazyInitializer.EnsureInitialized(ref _shared);
                target.Counter.MoveTo(shared);
            }
        }
    }

    /// <inheritdoc/>
    public void Merge(CountTable into, CountTable from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        into.Events += from.Events;
        into.Shared ??= from.Shared;
        if (into.Shared is { } shared)
        {
            into.Counter.MoveTo(shared);
            from.Counter.MoveTo(shared);
        }
        else
        {
            into.Counter.Merge(from.Counter);
        }
    }

    /// <inheritdoc/>
    public void Complete(CountTable result)
    {
        ArgumentNullException.ThrowIfNull(result);
        IReadOnlyList<Utf8Counter> tables = [result.Counter];
        if (result.Shared is { } shared)
        {
            result.Counter.MoveTo(shared);
            tables = shared.Stripes;
        }

        _shared = null; // the next run starts afresh
        if (_by.Length == 0)
        {
            long users = 0;
            foreach (Utf8Counter table in tables)
            {
                Utf8Counter.Cursor records = table.Records();
                while (records.MoveNext())
                {
                    if (FieldKey.FirstIsNonEmpty(records.Key))
                    {
                        users++;
                    }
                }
            }

            Result = new CountResult(result.Events, users, null);
            return;
        }

        // The buckets are no longer needed: their memory can go before the rows' is taken. No collection is forced
        // for it: a forced full collection peaked 8 MiB lower with 1M distinct time stamps (199-207 MiB against
        // 208-216 MiB, 2 runs each), too little to stop the threads of a program that embeds the engine.
        foreach (Utf8Counter table in tables)
        {
            table.ReleaseIndex();
        }

        Result = new CountResult(result.Events, 0, CountRows.Sorted(tables, _by.Length));
    }

    /// <inheritdoc/>
    public string StateName => "count";

    /// <inheritdoc/>
    public int StateVersion => 1;

    /// <inheritdoc/>
    /// <remarks>
    /// The fields counted by, the events, then every distinct key (the bytes <see cref="FieldKey"/> built: each
    /// value with its JSON type) with its count, ordered by the keys' XXH3-64 (seed 0), then their bytes: a task writes the
    /// same file whatever order its threads met the values in, whichever of its tables (a worker's, the shared stripes)
    /// holds them, and whatever the process's own hash seed. (By hash, not by bytes: 896,466 URL event types, which share
    /// long prefixes, sorted in 0.13 s rather than 0.84 s, perf on a JIT'd build.)
    /// </remarks>
    public void WritePartial(CountTable state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteUInt((ulong)_by.Length);
        foreach (FieldPath field in _by)
        {
            writer.WriteString(field.Text);
        }

        writer.WriteUInt((ulong)state.Events);
        var tables = new List<Utf8Counter> { state.Counter };
        if (state.Shared is { } shared)
        {
            tables.AddRange(shared.Stripes);
        }

        // Each record by its key's hash, its chunk (the tables' chunks side by side) and offset: 16 bytes a key.
        byte[][] chunks = Utf8Counter.ChunksSideBySide(tables);
        int keys = 0;
        foreach (Utf8Counter table in tables)
        {
            keys += table.Count;
        }

        var records = new KeyAt[keys];
        int n = 0, chunkBase = 0;
        foreach (Utf8Counter table in tables)
        {
            Utf8Counter.Cursor cursor = table.Records();
            while (cursor.MoveNext())
            {
                records[n++] = new KeyAt(XxHash3.HashToUInt64(cursor.Key), chunkBase + cursor.ChunkIndex, cursor.Offset);
            }

            chunkBase += table.ChunkCount;
        }

        Array.Sort(records, new KeyOrder(chunks));
        writer.WriteUInt((ulong)keys);
        foreach (KeyAt record in records)
        {
            writer.WriteBytes(Utf8Counter.KeyAt(chunks[record.Chunk], record.Offset));
            writer.WriteUInt((ulong)Utf8Counter.CountAt(chunks[record.Chunk], record.Offset));
        }
    }

    /// <inheritdoc/>
    public CountTable ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int fields = reader.ReadCount();
        bool same = fields == _by.Length;
        for (int i = 0; i < fields; i++)
        {
            string field = reader.ReadString();
            same &= i < _by.Length && field == _by[i].Text;
        }

        if (!same)
        {
            throw reader.Corrupt("a count by other fields than this merge's");
        }

        CountTable table = CreatePartial();
        table.Events = (long)reader.ReadUInt();
        ulong keys = reader.ReadUInt();
        for (ulong k = 0; k < keys; k++)
        {
            ReadOnlySpan<byte> key = reader.ReadBytes();
            table.Counter.Add(key, (long)reader.ReadUInt());
        }

        return table;
    }

    /// <summary>A counted key's record: its key's XXH3-64, its chunk (in the side-by-side chunks of <see cref="WritePartial"/>) and offset.</summary>
    private readonly record struct KeyAt(ulong Hash, int Chunk, int Offset);

    /// <summary>Orders records by their keys' hashes, then (all but never) their bytes, ordinal.</summary>
    private sealed class KeyOrder(byte[][] chunks) : IComparer<KeyAt>
    {
        public int Compare(KeyAt x, KeyAt y)
        {
            int c = x.Hash.CompareTo(y.Hash);
            return c != 0 ? c : Utf8Counter.KeyAt(chunks[x.Chunk], x.Offset).SequenceCompareTo(Utf8Counter.KeyAt(chunks[y.Chunk], y.Offset));
        }
    }
}
