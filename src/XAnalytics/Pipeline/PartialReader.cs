using System.Buffers.Binary;
using System.Text;

namespace XAnalytics.Pipeline;

/// <summary>
/// Reads what a <see cref="PartialWriter"/> wrote. Reading past the end, or a length longer than what is left, is an
/// <see cref="InvalidDataException"/> naming the partial file, never a crash or a wrong number.
/// </summary>
public sealed class PartialReader
{
    private readonly ReadOnlyMemory<byte> _data;
    private readonly string _source;
    private int _position;

    /// <summary>A reader over <paramref name="data"/>; <paramref name="source"/> (the file's name) goes into errors.</summary>
    public PartialReader(ReadOnlyMemory<byte> data, string source)
    {
        _data = data;
        _source = source ?? throw new ArgumentNullException(nameof(source));
    }

    /// <summary>The partial file's name, for errors.</summary>
    public string Source => _source;

    /// <summary>Whether everything has been read.</summary>
    public bool AtEnd => _position == _data.Length;

    /// <summary>Reads a varint.</summary>
    public ulong ReadUInt()
    {
        ReadOnlySpan<byte> span = _data.Span;
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= span.Length)
            {
                throw Truncated();
            }

            byte b = span[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Corrupt("a varint longer than 10 bytes");
    }

    /// <summary>Reads a zigzag varint.</summary>
    public long ReadInt()
    {
        ulong v = ReadUInt();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    /// <summary>Reads a varint that must fit an <see cref="int"/> from 0 (a count or an index).</summary>
    public int ReadCount()
    {
        ulong v = ReadUInt();
        return v <= int.MaxValue ? (int)v : throw Corrupt($"a count of {v}");
    }

    /// <summary>Reads 8 bytes as they are.</summary>
    public ulong ReadFixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>Reads a double's 8 bytes.</summary>
    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadFixed64());

    /// <summary>Reads length-prefixed bytes; the span points into the reader's data.</summary>
    public ReadOnlySpan<byte> ReadBytes() => Take(ReadCount());

    /// <summary>Reads a UTF-8 string.</summary>
    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    /// <summary>Reads what <see cref="PartialWriter.WriteNullableString"/> wrote.</summary>
    public string? ReadNullableString() => ReadUInt() == 0 ? null : ReadString();

    /// <summary>Reads a block written by <see cref="PartialWriter.WriteBlock"/>, as a reader of its own.</summary>
    public PartialReader ReadBlock()
    {
        int length = ReadCount();
        if (length > _data.Length - _position)
        {
            throw Truncated();
        }

        var block = new PartialReader(_data.Slice(_position, length), _source);
        _position += length;
        return block;
    }

    /// <summary>An error naming the file: its content is not what <paramref name="what"/> says it should be.</summary>
    public InvalidDataException Corrupt(string what) => new($"Partial file {_source} is damaged: {what} at byte {_position}.");

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length > _data.Length - _position)
        {
            throw Truncated();
        }

        ReadOnlySpan<byte> span = _data.Span.Slice(_position, length);
        _position += length;
        return span;
    }

    private InvalidDataException Truncated() => new($"Partial file {_source} ends early (cut short or damaged) at byte {_position}.");
}
