using System.IO.Compression;
using System.Text;
using XAnalytics.Sources;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Sources;

/// <summary>
/// The strict gzip reader on its own: every way a gzip file can be whole, split into members, cut short,
/// corrupt or padded, with the 64 KiB input chunks landing everywhere relative to member ends.
/// </summary>
public abstract class GzipMemberStreamTests
{
    private const int Chunk = 64 * 1024;

    /// <summary>Whether the stream decodes with ISA-L (<see cref="IsalInflater"/>) or the runtime's zlib-ng.</summary>
    protected abstract bool UseIsal { get; }

    private static readonly byte[] s_text = Encoding.UTF8.GetBytes(
        "{\"event_type\":\"play_video\",\"username\":\"learner_a\"}\n{\"event_type\":\"pause_video\",\"username\":\"learner_b\"}\n");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(70_000)]
    [InlineData(300_000)]
    public void Read_GoodFile_RoundTrips(int size)
    {
        byte[] data = Gzip.Lines(size);
        if (size == 0)
        {
            data = [];
        }

        byte[] gz = Gzip.Compress(data);

        Assert.Equal(data, ReadAll(gz, out int members));
        Assert.Equal(1, members);
        Assert.Equal(data, ReadAllTrickling(gz, maxRead: 13));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Read_MultiMember_ReadsAllMembers(int count)
    {
        var parts = new byte[count][];
        var expected = new List<byte>();
        for (int i = 0; i < count; i++)
        {
            byte[] data = Gzip.Lines(50_000 + (i * 1000), seed: i);
            expected.AddRange(data);
            parts[i] = Gzip.Compress(data);
        }

        byte[] gz = Gzip.Concat(parts);

        Assert.Equal(expected.ToArray(), ReadAll(gz, out int members));
        Assert.Equal(count, members);
        Assert.Equal(expected.ToArray(), ReadAllTrickling(gz, maxRead: 100));
    }

    [Theory]
    [InlineData(Gzip.FlagName)]
    [InlineData(Gzip.FlagExtra)]
    [InlineData(Gzip.FlagComment)]
    [InlineData(Gzip.FlagHeaderCrc)]
    [InlineData(Gzip.FlagText | Gzip.FlagName | Gzip.FlagExtra | Gzip.FlagComment | Gzip.FlagHeaderCrc)]
    public void Read_MultiMemberWithHeaderFlags_ReadsAllMembers(byte flags)
    {
        byte[] a = Gzip.Lines(3000, seed: 1);
        byte[] b = Gzip.Lines(5000, seed: 2);
        byte[] c = [];
        byte[] gz = Gzip.Concat(
            Gzip.Member(a, flags, name: "2015-03-01.log", comment: "first"),
            Gzip.Member(b, flags, extra: new byte[300]),
            Gzip.Member(c, flags));

        Assert.Equal(Gzip.Concat(a, b, c), ReadAll(gz, out int members));
        Assert.Equal(3, members);
        Assert.Equal(Gzip.Concat(a, b, c), ReadAllTrickling(gz, maxRead: 3));
    }

    [Fact]
    public void Read_TruncatedInsideHeader_ThrowsTruncated()
    {
        byte[] member = Gzip.Member(s_text, Gzip.FlagExtra | Gzip.FlagName | Gzip.FlagComment | Gzip.FlagHeaderCrc);
        int headerLength = member.Length - Gzip.Deflate(s_text).Length - 8;

        // A single byte cannot be told from any other one-byte file: that is "not gzip" (below). From the two
        // magic bytes on, every cut inside the header is truncation.
        for (int cut = 2; cut < headerLength; cut++)
        {
            AssertFault(GzipFault.Truncated, member[..cut], $"cut at {cut} of a {headerLength}-byte header");
        }

        AssertFault(GzipFault.NotGzip, member[..1], "one byte");
    }

    [Fact]
    public void Read_TruncatedInsideDeflateData_ThrowsTruncated()
    {
        byte[] data = Gzip.Lines(200_000);
        byte[] gz = Gzip.Compress(data);
        int deflateEnd = gz.Length - 8;
        var cuts = new SortedSet<int> { 10, 11, 12, deflateEnd - 1, deflateEnd - 2, deflateEnd - 3 };
        for (int cut = 13; cut < deflateEnd; cut += 977)
        {
            cuts.Add(cut);
        }

        for (int k = 1; k * Chunk < deflateEnd; k++)
        {
            cuts.Add((k * Chunk) - 1);
            cuts.Add(k * Chunk);
            cuts.Add((k * Chunk) + 1);
        }

        foreach (int cut in cuts)
        {
            AssertFault(GzipFault.Truncated, gz[..cut], $"cut at {cut} of {gz.Length}");
        }
    }

    /// <summary>
    /// Cuts inside the 8-byte trailer. The reader cannot see where the deflate data ended inside the last input
    /// chunk, so it knows truncation by the trailer's bytes that are present: 1 to 7 bytes left of the expected
    /// CRC-32/length are truncation. With none left (cut exactly at the end of the deflate data) the data is whole
    /// but its checksum is missing, which cannot be told from a wrong checksum: ChecksumMismatch, whose message
    /// says "corrupt, or cut off in the trailer".
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void Read_TruncatedInsideTrailer_ThrowsTruncated(int missing)
    {
        foreach (byte[] gz in TrailerCases())
        {
            AssertFault(GzipFault.Truncated, gz[..^missing], $"{missing} trailer bytes missing of {gz.Length}");
        }
    }

    [Fact]
    public void Read_CutExactlyBeforeTrailer_ThrowsTruncatedWhereTheEndIsKnown_ElseChecksumMismatchSayingCutOff()
    {
        foreach (byte[] gz in TrailerCases())
        {
            // ISA-L says where the deflate data ended, so a missing trailer is a cut; zlib's read-ahead hides that end.
            GzipFormatException e = AssertFault(UseIsal ? GzipFault.Truncated : GzipFault.ChecksumMismatch, gz[..^8], "whole trailer missing");
            Assert.Contains("cut off", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_TruncatedSecondMember_ThrowsTruncated()
    {
        byte[] first = Gzip.Compress(Gzip.Lines(10_000, seed: 1));
        byte[] second = Gzip.Compress(Gzip.Lines(10_000, seed: 2));
        for (int cut = 2; cut < second.Length - 1; cut += 97)
        {
            AssertFault(GzipFault.Truncated, Gzip.Concat(first, second[..cut]), $"second member cut at {cut}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Read_FlippedCrcByte_ThrowsChecksumMismatch(int byteOfCrc)
    {
        byte[] gz = Gzip.Compress(Gzip.Lines(20_000));
        gz[gz.Length - 8 + byteOfCrc] ^= 0x01;
        AssertFault(GzipFault.ChecksumMismatch, gz, "CRC byte flipped");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Read_FlippedIsizeByte_ThrowsChecksumMismatch(int byteOfLength)
    {
        byte[] gz = Gzip.Compress(Gzip.Lines(20_000));
        gz[gz.Length - 4 + byteOfLength] ^= 0x40;
        GzipFormatException e = AssertFault(GzipFault.ChecksumMismatch, gz, "ISIZE byte flipped");
        Assert.Contains("length", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FlippedCrcInFirstOfTwoMembers_ThrowsChecksumMismatch()
    {
        byte[] first = Gzip.Compress(Gzip.Lines(20_000, seed: 1));
        first[^6] ^= 0x10;
        AssertFault(GzipFault.ChecksumMismatch, Gzip.Concat(first, Gzip.Compress(s_text)), "first member's CRC flipped");
    }

    [Fact]
    public void Read_InvalidDeflateBlockType_ThrowsCorruptData()
    {
        byte[] gz = Gzip.Compress(Gzip.Lines(20_000));
        gz[10] = 0xFF; // BFINAL=1, BTYPE=11: a reserved block type
        AssertFault(GzipFault.CorruptData, gz, "reserved block type");
    }

    [Fact]
    public void Read_UnknownCompressionMethod_ThrowsCorruptData()
    {
        byte[] gz = Gzip.Compress(s_text);
        gz[2] = 7;
        AssertFault(GzipFault.CorruptData, gz, "method 7");
    }

    /// <summary>
    /// Any byte of the deflate data changed: the reader never hands back wrong data as good. Most flips make the
    /// inflater fail (CorruptData) or decode other bytes (ChecksumMismatch); a flip that makes the deflate data
    /// seem to go on past the file's end is, to the reader, a cut-off stream (Truncated).
    /// </summary>
    [Fact]
    public void Read_FlippedDeflateByte_ThrowsCorruptOrChecksum()
    {
        byte[] data = Gzip.Lines(40_000);
        byte[] good = Gzip.Compress(data);
        var kinds = new Dictionary<GzipFault, int>();
        for (int at = 10; at < good.Length - 8; at += 37)
        {
            byte[] gz = (byte[])good.Clone();
            gz[at] ^= 0x5A;
            GzipFormatException e = Assert.Throws<GzipFormatException>(() => ReadAll(gz, out _));
            Assert.True(
                e.Kind is GzipFault.CorruptData or GzipFault.ChecksumMismatch or GzipFault.Truncated,
                $"flip at {at}: {e.Kind} {e.Message}");
            kinds[e.Kind] = kinds.GetValueOrDefault(e.Kind) + 1;
        }

        Assert.True(kinds.GetValueOrDefault(GzipFault.CorruptData) + kinds.GetValueOrDefault(GzipFault.ChecksumMismatch) > 0);
    }

    [Fact]
    public void Read_NotGzipContent_ThrowsNotGzip()
        => AssertFault(GzipFault.NotGzip, s_text, "plain JSON lines");

    [Fact]
    public void Read_ZeroBytes_ThrowsNotGzip()
        => AssertFault(GzipFault.NotGzip, [], "empty");

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(512)]
    [InlineData(70_000)]
    public void Read_TrailingZeroPadding_ReadsData(int zeros)
    {
        byte[] data = Gzip.Lines(30_000);
        byte[] gz = Gzip.Concat(Gzip.Compress(data), new byte[zeros]);

        Assert.Equal(data, ReadAll(gz, out int members));
        Assert.Equal(1, members);
        Assert.Equal(data, ReadAllTrickling(gz, maxRead: 11));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 10)]
    [InlineData(5, 1)]
    [InlineData(70_000, 3)]
    public void Read_TrailingGarbage_ThrowsTrailingGarbage(int zerosBefore, int garbage)
    {
        byte[] tail = Gzip.Concat(new byte[zerosBefore], Enumerable.Repeat((byte)'x', garbage).ToArray());
        byte[] gz = Gzip.Concat(Gzip.Compress(Gzip.Lines(30_000)), tail);
        AssertFault(GzipFault.TrailingGarbage, gz, $"{zerosBefore} zeros then {garbage} garbage bytes");
    }

    [Fact]
    public void Read_TrailingText_ThrowsTrailingGarbage()
        => AssertFault(GzipFault.TrailingGarbage, Gzip.Concat(Gzip.Compress(s_text), s_text), "text after the member");

    /// <summary>
    /// Places the trailer of a member at every offset from 12 bytes before to 12 bytes after a 64 KiB input
    /// chunk boundary (by padding the header's FEXTRA field), for one and two members, whole and cut short.
    /// </summary>
    [Fact]
    public void Read_TrailerAroundChunkBoundaries_AlwaysVerifies()
    {
        byte[] data = Gzip.Random(150_000, seed: 3);
        byte[] deflated = Gzip.Deflate(data, CompressionLevel.NoCompression);
        byte[] second = Gzip.Compress(s_text);
        for (int boundary = Chunk; boundary <= 4 * Chunk; boundary += Chunk)
        {
            for (int delta = -12; delta <= 12; delta++)
            {
                int extraLength = boundary + delta - 12 - deflated.Length;
                if (extraLength is < 0 or > ushort.MaxValue)
                {
                    continue;
                }

                byte[] member = Gzip.Member(data, Gzip.FlagExtra, extra: new byte[extraLength], deflated: deflated);
                Assert.Equal(boundary + delta, member.Length - 8);
                string where = $"trailer at {delta:+0;-0;0} from chunk boundary {boundary}";

                Assert.Equal(data, ReadAll(member, out int members));
                Assert.Equal(1, members);
                Assert.Equal(Gzip.Concat(data, s_text), ReadAll(Gzip.Concat(member, second), out members));
                Assert.Equal(2, members);
                Assert.Equal(data, ReadAll(Gzip.Concat(member, new byte[100]), out _));
                AssertFault(GzipFault.Truncated, member[..^1], where + ", last byte cut");
                AssertFault(GzipFault.Truncated, member[..^4], where + ", length cut");
                AssertFault(GzipFault.TrailingGarbage, Gzip.Concat(member, [0, 0, 1]), where + ", garbage after");
                byte[] badCrc = (byte[])member.Clone();
                badCrc[^8] ^= 1;
                AssertFault(GzipFault.ChecksumMismatch, badCrc, where + ", CRC flipped");
            }
        }
    }

    /// <summary>Several MB of lines at many sizes: wherever the compressed bytes end, the trailers verify.</summary>
    [Fact]
    public void Read_ManyLargeSizes_AlwaysVerifies()
    {
        byte[] all = Gzip.Lines(5 * 1024 * 1024, seed: 11);
        var random = new Random(5);
        int[] sizes = new int[16];
        for (int i = 0; i < sizes.Length; i++)
        {
            sizes[i] = random.Next(1024 * 1024, all.Length);
        }

        foreach (int size in sizes)
        {
            byte[] data = all[..size];
            byte[] gz = Gzip.Compress(data, size % 2 == 0 ? CompressionLevel.Fastest : CompressionLevel.Optimal);
            byte[] multi = Gzip.Concat(Gzip.Compress(data[..(size / 3)]), Gzip.Compress(data[(size / 3)..]));
            Assert.Equal(data, ReadAll(gz, out int members));
            Assert.Equal(1, members);
            Assert.Equal(data, ReadAll(multi, out members));
            Assert.Equal(2, members);
            AssertFault(GzipFault.Truncated, gz[..^3], $"size {size}, 3 bytes cut");
        }
    }

    /// <summary>Random short reads from a non-seekable source move every boundary around; the data still verifies.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(4099)]
    [InlineData(70_000)]
    public void Read_ShortReadsFromSource_AlwaysVerifies(int maxRead)
    {
        byte[] a = Gzip.Lines(maxRead == 1 ? 20_000 : 400_000, seed: 1);
        byte[] b = Gzip.Lines(30_000, seed: 2);
        byte[] gz = Gzip.Concat(Gzip.Compress(a), Gzip.Member(b, Gzip.FlagName | Gzip.FlagHeaderCrc), new byte[20]);
        Assert.Equal(Gzip.Concat(a, b), ReadAllTrickling(gz, maxRead));

        Assert.Equal(GzipFault.Truncated, Assert.Throws<GzipFormatException>(() => ReadAllTrickling(gz[..^25], maxRead)).Kind);
    }

    [Fact]
    public async Task ReadAsync_GoodFile_RoundTrips()
    {
        byte[] data = Gzip.Lines(100_000);
        using var stream = new GzipMemberStream(new MemoryStream(Gzip.Compress(data)), useIsal: UseIsal);
        using var output = new MemoryStream();
        await stream.CopyToAsync(output).WaitAsync(Run.Timeout);
        Assert.Equal(data, output.ToArray());
    }

    [Fact]
    public void Read_CompressedByteCallback_CountsEveryStoredByte()
    {
        byte[] gz = Gzip.Concat(Gzip.Compress(Gzip.Lines(200_000)), Gzip.Compress(s_text));
        long counted = 0;
        using (var stream = new GzipMemberStream(new MemoryStream(gz), n => counted += n, UseIsal))
        {
            stream.CopyTo(Stream.Null);
        }

        Assert.Equal(gz.Length, counted);
    }

    private static IEnumerable<byte[]> TrailerCases()
    {
        yield return Gzip.Compress(s_text);
        yield return Gzip.Compress(Gzip.Lines(200_000));
        yield return Gzip.Concat(Gzip.Compress(s_text), Gzip.Compress(Gzip.Lines(100_000)));
        yield return Gzip.Member(Gzip.Random(70_000, 1), deflated: Gzip.Deflate(Gzip.Random(70_000, 1), CompressionLevel.NoCompression));
    }

    private GzipFormatException AssertFault(GzipFault expected, byte[] gz, string what)
    {
        GzipFormatException e = Assert.Throws<GzipFormatException>(() => ReadAll(gz, out _));
        Assert.True(expected == e.Kind, $"{what}: expected {expected}, got {e.Kind}: {e.Message}");
        GzipFormatException trickled = Assert.Throws<GzipFormatException>(() => ReadAllTrickling(gz, maxRead: 5));
        Assert.True(expected == trickled.Kind, $"{what}, read 5 bytes at a time: expected {expected}, got {trickled.Kind}: {trickled.Message}");
        return e;
    }

    private byte[] ReadAll(byte[] gz, out int members)
    {
        using var stream = new GzipMemberStream(new MemoryStream(gz), useIsal: UseIsal);
        using var output = new MemoryStream();
        byte[] buffer = new byte[8191]; // an odd size: output boundaries fall everywhere too
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            output.Write(buffer, 0, n);
        }

        Assert.Equal(0, stream.Read(buffer, 0, buffer.Length)); // stays at the end
        members = stream.Members;
        return output.ToArray();
    }

    private byte[] ReadAllTrickling(byte[] gz, int maxRead)
    {
        using var stream = new GzipMemberStream(new TrickleStream(gz, maxRead), useIsal: UseIsal);
        using var output = new MemoryStream();
        stream.CopyTo(output);
        return output.ToArray();
    }
}
