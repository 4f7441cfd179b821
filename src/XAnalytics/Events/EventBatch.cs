using System.Buffers;
using System.Runtime.InteropServices;
using XAnalytics.Formats;
using XAnalytics.Internal;

namespace XAnalytics.Events;

/// <summary>
/// The message that flows between the blocks of a run: up to a few thousand events of one file, as their
/// UTF-8 JSON lines in one pooled buffer, with an index of each event's top-level fields once parsed.
/// </summary>
/// <remarks>
/// <para>Ownership: a batch has one owner at a time. Posting it to the next block hands it over; the block
/// that ends its journey (a sink, or a stage that drops it) calls <see cref="Dispose"/>, which returns its
/// buffers to <see cref="ArrayPool{T}.Shared"/>. A batch dropped by a cancelled run is simply collected.</para>
/// <para>Reading a field does not build the event: <see cref="TryGetField"/> finds a top-level key in the
/// index and, for a nested path, scans only that value's bytes.</para>
/// <para>A batch read from BSON holds the checked BSON documents until something asks for JSON
/// (<see cref="GetUtf8"/>, a rewrite, the field index): then the whole batch is converted once, on the thread that
/// asked. Until then <see cref="TryGetField"/> reads fields from the BSON and writes only the values it returns as
/// JSON, so counting or filtering a BSON copy never builds JSON it does not need.</para>
/// </remarks>
public sealed partial class EventBatch : IDisposable
{
    /// <summary>Bytes a batch collects before it is sent on (a line longer than this gets a batch of its own).</summary>
    /// <remarks>
    /// 256 KiB (was 1 MiB). Each file being read holds up to <see cref="Sources.MemberHold.MaxHeldBatches"/> batches
    /// until its gzip member is verified, so the batch size sets most of a streaming run's memory, and it grows with the
    /// readers (one per core): 16 MiB a reader at 1 MiB, 4 MiB now. 1M generated events, published, 2 runs alternating
    /// (2026-12-05): peak RSS of count 75 MiB against 108-109, report 143-149 against 168-172, desensitize 134-136 against
    /// 201-205, sort 337 against 376-378; real-log shape count 128 against 161-163, report 160-163 against 184-185. CPU
    /// the same within noise. With the hold kept at 16 MiB (64 batches) the saving was mostly gone (count 104-105 MiB).
    /// </remarks>
    internal const int DefaultDataBytes = 1 << 18;

    /// <summary>Events a batch holds at most.</summary>
    internal const int DefaultMaxEvents = 4096;

    private byte[] _data;
    private int _dataLength;
    private Entry[] _entries;
    private int _count;
    private TopField[] _fields;
    private int _fieldCount;
    private bool _bson;
    private ValueArena? _values;

    private EventBatch(SourceFile source, long sequence, int dataBytes, int maxEvents)
    {
        Source = source;
        Sequence = sequence;
        _data = ArrayPool<byte>.Shared.Rent(dataBytes);
        _entries = ArrayPool<Entry>.Shared.Rent(maxEvents);
        _fields = [];
    }

    /// <summary>The file the events were read from.</summary>
    public SourceFile Source { get; }

    /// <summary>The batch's number within its file, from 0: with <see cref="SourceFile.Index"/>, its place in input order.</summary>
    public long Sequence { get; }

    /// <summary>Number of events (or, before parsing, lines) in the batch.</summary>
    public int Count => _count;

    /// <summary>True once the parse stage has validated the lines and indexed their fields.</summary>
    public bool IsParsed { get; internal set; }

    /// <summary>Total UTF-8 bytes of the batch's events.</summary>
    public long Utf8Bytes
    {
        get
        {
            EnsureJson();
            long total = 0;
            for (int i = 0; i < _count; i++)
            {
                total += _entries[i].Length;
            }

            return total;
        }
    }

    /// <summary>Returns the batch's buffers to the pool. The batch must not be used afterwards.</summary>
    public void Dispose()
    {
        byte[] data = _data;
        Entry[] entries = _entries;
        TopField[] fields = _fields;
        _data = [];
        _entries = [];
        _fields = [];
        _count = 0;
        ReleaseFieldValues();
        if (data.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(data);
        }

        if (entries.Length > 0)
        {
            ArrayPool<Entry>.Shared.Return(entries);
        }

        if (fields.Length > 0)
        {
            ArrayPool<TopField>.Shared.Return(fields);
        }
    }

    /// <summary>
    /// Takes a reader's batch out of <paramref name="slot"/> (leaving null), when the reader moves on from it or ends:
    /// the batch when it holds events, for the caller to send on, else null after disposing it.
    /// </summary>
    internal static EventBatch? TakeIfAny(ref EventBatch? slot)
    {
        EventBatch? batch = slot;
        slot = null;
        if (batch is { Count: 0 })
        {
            batch.Dispose();
            return null;
        }

        return batch;
    }

    internal static EventBatch Create(SourceFile source, long sequence, int dataBytes = DefaultDataBytes, int maxEvents = DefaultMaxEvents)
        => new(source, sequence, dataBytes, maxEvents);

    private ref readonly Entry Get(int index)
    {
        if ((uint)index >= (uint)_count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The batch holds {_count} events.");
        }

        return ref _entries[index];
    }

    [StructLayout(LayoutKind.Auto)]
    private struct Entry
    {
        public int Offset;
        public int Length;
        public long Line;
        public int FieldStart;
        public int FieldCount;
        public int ContextStart;
        public int ContextCount;
        public int ContextField; // -1: the context's members were not recorded (see TryGetContextMembers)
    }
}
