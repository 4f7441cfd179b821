using System.Buffers;
using XAnalytics.Formats;

namespace XAnalytics.Events;

/// <content>Filling a batch from a reader: lines framed in place in the free end of the buffer, or copied in.</content>
public sealed partial class EventBatch
{
    /// <summary>The size of the buffer the events' bytes live in (dead bytes of rewritten events included).</summary>
    internal int BufferBytes => _data.Length;

    /// <summary>
    /// The unused end of the buffer, for a reader that reads straight into the batch (JSON lines, BSON): it frames
    /// what it read there, adds entries for the bytes where they lie (<see cref="AddInPlace(int, int, long)"/>,
    /// <see cref="AddInPlace(int, int, long, ReadOnlySpan{TopField})"/>), then marks them used (<see cref="UseFree"/>).
    /// </summary>
    internal Memory<byte> FreeMemory => _data.AsMemory(_dataLength);

    /// <summary>
    /// Adds a checked BSON document of <paramref name="length"/> bytes that lies at <paramref name="offset"/> in
    /// <see cref="FreeMemory"/>, with its top-level elements (see <see cref="TryAppendBson"/>).
    /// </summary>
    internal void AddInPlace(int offset, int length, long lineNumber, ReadOnlySpan<TopField> topLevel)
    {
        _entries[_count++] = new Entry { Offset = _dataLength + offset, Length = length, Line = lineNumber, ContextField = -1 };
        SetFields(_count - 1, topLevel);
    }

    /// <summary>
    /// Adds a line of <paramref name="length"/> bytes that lies at <paramref name="offset"/> in <see cref="FreeMemory"/>
    /// (the line reader reads straight into the batch). The batch must not be full.
    /// </summary>
    internal void AddInPlace(int offset, int length, long lineNumber)
        => _entries[_count++] = new Entry { Offset = _dataLength + offset, Length = length, Line = lineNumber, ContextField = -1 };

    /// <summary>Marks the first <paramref name="count"/> bytes of <see cref="FreeMemory"/> used.</summary>
    internal void UseFree(int count) => _dataLength += count;

    /// <summary>Room left for line bytes before the batch should be sent on.</summary>
    internal int FreeBytes => _data.Length - _dataLength;

    internal bool IsFull => _count == _entries.Length;

    /// <summary>
    /// Appends a line. False when it does not fit and the batch already holds lines: send this one on and
    /// start another. An empty batch grows to take any line.
    /// </summary>
    internal bool TryAppend(ReadOnlySequence<byte> line, long lineNumber)
    {
        if (_bson)
        {
            throw new InvalidOperationException("A BSON batch takes documents with their top-level elements (TryAppendBson).");
        }

        if (!TryReserve(checked((int)line.Length), lineNumber, out Span<byte> target))
        {
            return false;
        }

        line.CopyTo(target);
        return true;
    }

    /// <inheritdoc cref="TryAppend(ReadOnlySequence{byte}, long)"/>
    internal bool TryAppend(ReadOnlySpan<byte> line, long lineNumber)
    {
        if (_bson)
        {
            throw new InvalidOperationException("A BSON batch takes documents with their top-level elements (TryAppendBson).");
        }

        if (!TryReserve(line.Length, lineNumber, out Span<byte> target))
        {
            return false;
        }

        line.CopyTo(target);
        return true;
    }

    /// <summary>Adds an entry of <paramref name="length"/> bytes and gives the room its bytes go to.</summary>
    private bool TryReserve(int length, long lineNumber, out Span<byte> target)
    {
        target = default;
        if (_count == _entries.Length || (length > _data.Length - _dataLength && _count > 0))
        {
            return false;
        }

        if (length > _data.Length - _dataLength)
        {
            ArrayPool<byte>.Shared.Return(_data);
            _data = ArrayPool<byte>.Shared.Rent(length);
            _dataLength = 0;
        }

        target = _data.AsSpan(_dataLength, length);
        _entries[_count++] = new Entry { Offset = _dataLength, Length = length, Line = lineNumber, ContextField = -1 };
        _dataLength += length;
        return true;
    }
}
