using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace XAnalytics.Pipeline;

/// <summary>
/// Writes an aggregate's partial state into a partial file's section (see <see cref="IPartialAggregate{TPartial}"/>):
/// unsigned LEB128 varints, zigzag varints for signed numbers, length-prefixed bytes and UTF-8 strings, and
/// length-prefixed blocks that nest. Everything is little-endian and the same on every machine.
/// </summary>
public sealed class PartialWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    /// <summary>An empty writer.</summary>
    public PartialWriter() => _buffer = new ArrayBufferWriter<byte>(4096);

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    /// <summary>Writes an unsigned number as a varint (1 byte below 128).</summary>
    public void WriteUInt(ulong value)
    {
        Span<byte> span = _buffer.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        _buffer.Advance(n);
    }

    /// <summary>Writes a signed number as a zigzag varint (small magnitudes take few bytes).</summary>
    public void WriteInt(long value) => WriteUInt((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>Writes 8 bytes as they are (hashes, which a varint would lengthen).</summary>
    public void WriteFixed64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    /// <summary>Writes a double's 8 bytes.</summary>
    public void WriteDouble(double value) => WriteFixed64(BitConverter.DoubleToUInt64Bits(value));

    /// <summary>Writes the length, then the bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteUInt((ulong)value.Length);
        _buffer.Write(value);
    }

    /// <summary>Writes a string as UTF-8 bytes with their length.</summary>
    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = max > 512 ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> bytes = rented ?? stackalloc byte[512];
        int n = Encoding.UTF8.GetBytes(value, bytes);
        WriteBytes(bytes[..n]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Writes a string that may be null (a flag byte, then the string).</summary>
    public void WriteNullableString(string? value)
    {
        WriteUInt(value is null ? 0UL : 1UL);
        if (value is not null)
        {
            WriteString(value);
        }
    }

    /// <summary>Writes what <paramref name="body"/> writes as one length-prefixed block, read back with <see cref="PartialReader.ReadBlock"/>.</summary>
    public void WriteBlock(Action<PartialWriter> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var inner = new PartialWriter();
        body(inner);
        WriteBytes(inner.WrittenSpan);
    }
}
