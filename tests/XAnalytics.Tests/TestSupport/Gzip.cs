using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace XAnalytics.Tests.TestSupport;

/// <summary>Gzip fixtures: whole files from <see cref="GZipStream"/>, or members assembled by hand (RFC 1952).</summary>
internal static class Gzip
{
    public const byte FlagText = 0x01;
    public const byte FlagHeaderCrc = 0x02;
    public const byte FlagExtra = 0x04;
    public const byte FlagName = 0x08;
    public const byte FlagComment = 0x10;

    public static byte[] Compress(byte[] data, CompressionLevel level = CompressionLevel.Optimal)
    {
        if (data.Length == 0)
        {
            return Member(data); // GZipStream writes no bytes at all when given none
        }

        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, level, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Raw deflate data (no gzip framing) of <paramref name="data"/>.</summary>
    public static byte[] Deflate(byte[] data, CompressionLevel level = CompressionLevel.Optimal)
    {
        if (data.Length == 0)
        {
            return [0x03, 0x00]; // one final fixed-Huffman block holding only its end code; DeflateStream writes nothing
        }

        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, level, leaveOpen: true))
        {
            deflate.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>
    /// One gzip member written field by field: header with the optional parts the flags ask for, the given raw
    /// deflate data (or the deflate of <paramref name="data"/>), and the CRC-32/ISIZE trailer of <paramref name="data"/>.
    /// </summary>
    public static byte[] Member(
        byte[] data,
        byte flags = 0,
        byte[]? extra = null,
        string? name = null,
        string? comment = null,
        byte[]? deflated = null)
    {
        using var m = new MemoryStream();
        var header = new List<byte> { 0x1f, 0x8b, 8, flags, 0x12, 0x34, 0x56, 0x78, 0, 3 };
        if ((flags & FlagExtra) != 0)
        {
            extra ??= [(byte)'X', (byte)'A', 2, 0, 0xAB, 0xCD];
            header.Add((byte)(extra.Length & 0xff));
            header.Add((byte)(extra.Length >> 8));
            header.AddRange(extra);
        }

        if ((flags & FlagName) != 0)
        {
            header.AddRange(Encoding.Latin1.GetBytes(name ?? "tracking.log"));
            header.Add(0);
        }

        if ((flags & FlagComment) != 0)
        {
            header.AddRange(Encoding.Latin1.GetBytes(comment ?? "a comment"));
            header.Add(0);
        }

        if ((flags & FlagHeaderCrc) != 0)
        {
            uint crc = Crc32.HashToUInt32(header.ToArray());
            header.Add((byte)(crc & 0xff));
            header.Add((byte)((crc >> 8) & 0xff));
        }

        m.Write(header.ToArray());
        m.Write(deflated ?? Deflate(data));
        m.Write(Trailer(data));
        return m.ToArray();
    }

    public static byte[] Trailer(byte[] data)
    {
        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32.HashToUInt32(data));
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), unchecked((uint)data.Length));
        return trailer;
    }

    public static byte[] Concat(params byte[][] parts)
    {
        int length = 0;
        foreach (byte[] p in parts)
        {
            length += p.Length;
        }

        var all = new byte[length];
        int at = 0;
        foreach (byte[] p in parts)
        {
            p.CopyTo(all, at);
            at += p.Length;
        }

        return all;
    }

    /// <summary>Deterministic text lines of tracking-log shape, about <paramref name="bytes"/> long.</summary>
    public static byte[] Lines(int bytes, int seed = 1)
    {
        var random = new Random(seed);
        var sb = new StringBuilder(bytes + 256);
        int i = 0;
        while (sb.Length < bytes)
        {
            sb.Append("{\"event_type\":\"type_").Append(random.Next(50)).Append("\",\"n\":").Append(i++)
              .Append(",\"pad\":\"").Append('x', random.Next(0, 300)).Append("\"}\n");
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Incompressible bytes: the compressed length then tracks the input length closely.</summary>
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
