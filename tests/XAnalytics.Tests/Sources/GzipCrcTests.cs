using System.IO.Hashing;
using System.Text;
using XAnalytics.Sources;

namespace XAnalytics.Tests.Sources;

/// <summary>
/// Our folded CRC-32 against the runtime's (<see cref="Crc32"/>): every length around the folding's block sizes,
/// random lengths, alignments and splits into two calls. CI runs these again with AVX-512 off, where only the
/// table path runs.
/// </summary>
public sealed class GzipCrcTests
{
    [Fact]
    public void Append_CheckValue_IsTheStandardOne()
    {
        // The CRC-32 check value of the catalogue of parametrised CRC algorithms.
        Assert.Equal(0xCBF43926u, GzipCrc.Append(0, "123456789"u8));
        Assert.Equal(0u, GzipCrc.Append(0, []));
    }

    [Fact]
    public void Append_EveryLengthUpTo1100_MatchesTheRuntime()
    {
        var random = new Random(7);
        byte[] data = new byte[1100];
        random.NextBytes(data);
        for (int length = 0; length <= data.Length; length++)
        {
            ReadOnlySpan<byte> span = data.AsSpan(0, length);
            Assert.Equal(Crc32.HashToUInt32(span), GzipCrc.Append(0, span));
        }
    }

    [Fact]
    public void Append_RandomLengthsAlignmentsAndSplits_MatchTheRuntime()
    {
        var random = new Random(11);
        byte[] data = new byte[300_000];
        random.NextBytes(data);
        for (int trial = 0; trial < 2000; trial++)
        {
            int offset = random.Next(0, 64);
            int length = random.Next(0, data.Length - offset);
            ReadOnlySpan<byte> span = data.AsSpan(offset, length);
            int split = random.Next(0, length + 1);
            uint chained = GzipCrc.Append(GzipCrc.Append(0, span[..split]), span[split..]);
            Assert.Equal(Crc32.HashToUInt32(span), chained);
        }
    }

    [Fact]
    public void Append_UniformAndSparseBytes_MatchTheRuntime()
    {
        // Zeros, all ones and one set bit: inputs where a wrong fold constant or lane order cannot hide in noise.
        foreach (int length in (int[])[256, 320, 512, 4096, 65_536 + 17])
        {
            byte[] zeros = new byte[length];
            byte[] ones = Enumerable.Repeat((byte)0xFF, length).ToArray();
            Assert.Equal(Crc32.HashToUInt32(zeros), GzipCrc.Append(0, zeros));
            Assert.Equal(Crc32.HashToUInt32(ones), GzipCrc.Append(0, ones));
            foreach (int bit in (int[])[0, 7, 8 * 63, (8 * length) - 1, 8 * (length / 2)])
            {
                byte[] one = new byte[length];
                one[bit / 8] = (byte)(1 << (bit % 8));
                Assert.Equal(Crc32.HashToUInt32(one), GzipCrc.Append(0, one));
            }
        }
    }

    [Fact]
    public void Append_TextInPieces_MatchesTheRuntime()
    {
        byte[] text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"event_type\":\"play_video\",\"username\":\"learner_a\"}\n", 3000)));
        uint crc = 0;
        for (int at = 0; at < text.Length; at += 65_536)
        {
            crc = GzipCrc.Append(crc, text.AsSpan(at, Math.Min(65_536, text.Length - at)));
        }

        Assert.Equal(Crc32.HashToUInt32(text), crc);
    }
}
