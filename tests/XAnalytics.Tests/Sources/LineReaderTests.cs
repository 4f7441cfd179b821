using System.Text;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Sources;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Sources;

/// <summary>Line framing, seen through a whole run: what becomes an event, a blank, or a too-long reject, and on which line.</summary>
public sealed class LineReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Read_LastLineWithoutNewline_IsKept(bool gzip)
    {
        using var dir = new TempDir();
        string text = "{\"event_type\":\"a\"}\n{\"event_type\":\"b\"}";
        string file = gzip ? dir.WriteGzip("t.log.gz", text) : dir.WriteText("t.log", text);

        (RunResult result, IReadOnlyList<SeenEvent> seen) = await Run.RecordAsync(Run.Options([file]));

        Assert.Equal(["{\"event_type\":\"a\"}", "{\"event_type\":\"b\"}"], seen.Select(e => e.Text));
        Assert.Equal([1L, 2L], seen.Select(e => e.Line));
        Assert.Equal(2, result.Counters.LinesRead);
        Assert.True(result.IsClean);
    }

    [Fact]
    public async Task Read_BlankLines_SkippedAndCountedApart()
    {
        using var dir = new TempDir();
        string file = dir.WriteText("t.log", "\n{\"event_type\":\"a\"}\n\n   \n\t\n \t \r\n{\"event_type\":\"b\"}\n\n");

        (RunResult result, IReadOnlyList<SeenEvent> seen) = await Run.RecordAsync(Run.Options([file]));

        Assert.Equal([2L, 7L], seen.Select(e => e.Line));
        Assert.Equal(2, result.Counters.LinesRead);
        Assert.Equal(6, result.Counters.BlankLines);
        Assert.Equal(0, result.Counters.Rejected);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Read_CrlfLines_CarriageReturnsStripped(bool gzip)
    {
        using var dir = new TempDir();
        string text = "{\"event_type\":\"a\"}\r\n\r\n{\"event_type\":\"b\"}\r\n{\"event_type\":\"c\"}\r";
        string file = gzip ? dir.WriteGzip("t.gz", text) : dir.WriteText("t.log", text);

        (RunResult result, IReadOnlyList<SeenEvent> seen) = await Run.RecordAsync(Run.Options([file]));

        Assert.Equal(["{\"event_type\":\"a\"}", "{\"event_type\":\"b\"}", "{\"event_type\":\"c\"}"], seen.Select(e => e.Text));
        Assert.Equal([1L, 3L, 4L], seen.Select(e => e.Line));
        Assert.Equal(1, result.Counters.BlankLines);
        Assert.True(result.IsClean);
    }

    /// <summary>
    /// A 100 KB line among short ones with a 1 KiB bound: rejected as too-long on its own line number without
    /// being held, its neighbours are events. Also a line just over the bound (framed whole before the check),
    /// and a too-long last line without a newline.
    /// </summary>
    [Theory]
    [InlineData(false, 100_000)]
    [InlineData(true, 100_000)]
    [InlineData(false, 1025)]
    [InlineData(true, 2000)]
    [InlineData(false, 600_000)]
    public async Task Read_OverLongLine_RejectedAsTooLongWithItsLineNumber(bool gzip, int longLength)
    {
        using var dir = new TempDir();
        string longLine = "{\"event_type\":\"huge\",\"pad\":\"" + new string('x', longLength - 30) + "\"}";
        Assert.Equal(longLength, longLine.Length);
        var text = new StringBuilder();
        for (int i = 1; i <= 10; i++)
        {
            text.Append("{\"event_type\":\"e").Append(i).Append("\"}\n");
        }

        text.Append(longLine).Append('\n');
        for (int i = 12; i <= 20; i++)
        {
            text.Append("{\"event_type\":\"e").Append(i).Append("\"}\n");
        }

        text.Append(longLine); // line 21, the last, without a newline
        string file = gzip ? dir.WriteGzip("t.log.gz", text.ToString()) : dir.WriteText("t.log", text.ToString());
        string rejects = dir.PathOf("rejects.tsv");

        (RunResult result, IReadOnlyList<SeenEvent> seen) = await Run.RecordAsync(Run.Options([file], rejects) with { MaxLineBytes = 1024 });

        Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20], seen.Select(e => e.Line));
        Assert.Equal("{\"event_type\":\"e10\"}", seen[9].Text);
        Assert.Equal("{\"event_type\":\"e12\"}", seen[10].Text);
        Assert.Equal(21, result.Counters.LinesRead);
        Assert.Equal(new Dictionary<string, long> { [RejectReasons.TooLong] = 2 }, result.Counters.RejectedByReason);
        IReadOnlyList<string[]> rows = Run.ReadRejects(rejects);
        Assert.Equal(["11", "21"], rows.Select(r => r[1]));
        Assert.All(rows, r => Assert.Equal(RejectReasons.TooLong, r[2]));
        Assert.All(rows, r => Assert.StartsWith("{\"event_type\":\"huge\"", r[4], StringComparison.Ordinal));
        Assert.All(rows, r => Assert.True(r[4].Length <= XAnalytics.Pipeline.RejectLog.MaxRawBytes));
        if (!gzip)
        {
            Assert.Equal(new FileInfo(file).Length, result.Counters.Bytes);
        }
    }

    /// <summary>
    /// Lines of every length up to several batches (64 KiB here), so lines span reads and batches, and batches are
    /// sent on full of events (7) with bytes left to move.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Read_LinesSpanningReadsAndBatches_EveryLineExact(bool gzip)
    {
        using var dir = new TempDir();
        var random = new Random(42);
        var expected = new List<string>();
        var text = new StringBuilder();
        while (text.Length < 3_000_000)
        {
            int pad = random.Next(10) switch
            {
                0 => random.Next(100_000, 300_000),
                < 4 => random.Next(1000, 40_000),
                _ => random.Next(0, 500),
            };
            string line = "{\"event_type\":\"e\",\"n\":" + expected.Count + ",\"pad\":\"" + new string((char)('a' + (expected.Count % 26)), pad) + "\"}";
            expected.Add(line);
            text.Append(line).Append(expected.Count % 7 == 0 ? "\r\n" : "\n");
        }

        string file = gzip ? dir.WriteGzip("big.log.gz", text.ToString()) : dir.WriteText("big.log", text.ToString());

        (RunResult result, IReadOnlyList<SeenEvent> seen) = await Run.RecordAsync(Run.Options([file]) with { BatchBytes = 64 * 1024, BatchEvents = 7 });

        Assert.Equal(expected.Count, seen.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(i + 1, seen[i].Line);
            Assert.True(expected[i] == seen[i].Text, $"line {i + 1} differs");
        }

        Assert.True(result.IsClean);
        Assert.Equal(text.Length, result.Counters.Bytes);
        Assert.Equal(new FileInfo(file).Length, result.Counters.StoredBytesRead);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task Read_LineOfExactlyMaxBytes_EventAndOneMoreIsTooLong(string newline)
    {
        using var dir = new TempDir();
        string atBound = LineOfLength("a", 1024);
        string overBound = LineOfLength("b", 1025);
        Assert.Equal(1024, atBound.Length);
        string file = dir.WriteText("t.log", atBound + newline + overBound + newline + atBound);

        (RunResult result, IReadOnlyList<SeenEvent> seen) = await Run.RecordAsync(Run.Options([file]) with { MaxLineBytes = 1024 });

        Assert.Equal([1L, 3L], seen.Select(e => e.Line));
        Assert.Equal(new Dictionary<string, long> { [RejectReasons.TooLong] = 1 }, result.Counters.RejectedByReason);
    }

    /// <summary>
    /// A line exactly at the bound, ending in CRLF, whose \r is the last byte of a read: the \r is part of the line
    /// ending, not of the line, so it is an event wherever the reads happen to end. (The first read of a plain file
    /// fills the first batch's room, 128 KiB with these options; the shifts cover the split landing a byte or two
    /// either way.)
    /// </summary>
    [Theory]
    [InlineData(-2)]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Read_CrlfLineAtBoundSplitBetweenCrAndLf_IsEvent(int shift)
    {
        using var dir = new TempDir();
        const int max = 1024;
        const int firstBuffer = 128 * 1024;
        string atBound = LineOfLength("edge", max);
        Assert.Equal(max, atBound.Length);
        var text = new StringBuilder();
        int filler = 0;
        int crAt = firstBuffer - 1 + shift;
        while (text.Length < crAt - max - 200)
        {
            text.Append("{\"event_type\":\"f\"}\r\n");
            filler++;
        }

        int gap = crAt - max - text.Length - 2; // a filler line sized so the long line's \r lands on crAt
        text.Append(LineOfLength("g", gap)).Append("\r\n");
        text.Append(atBound).Append("\r\n");
        Assert.Equal('\r', text[crAt]);
        text.Append("{\"event_type\":\"after\"}\r\n");
        string file = dir.WriteText("t.log", text.ToString());

        (RunResult result, CountResult counts) = await Run.CountAsync(Run.Options([file]) with { MaxLineBytes = max, BatchBytes = firstBuffer });

        Assert.Equal(0, result.Counters.Rejected);
        Assert.Equal(1, counts.Rows!.Single(r => r.Values[0] == "edge").Count);
        Assert.Equal(filler + 3, result.Counters.Events);
    }

    /// <summary>
    /// A too-long CRLF line that crosses from the first 128 KiB read into the next: its reject says its length
    /// without the \r, as for a too-long line within one read.
    /// </summary>
    [Theory]
    [InlineData(1000)]
    [InlineData(10)]
    public async Task Read_OverLongCrlfLineAcrossBuffers_DetailCountsItWithoutItsCr(int bytesInFirstBuffer)
    {
        using var dir = new TempDir();
        const int firstBuffer = 128 * 1024;
        var text = new StringBuilder();
        while (text.Length < firstBuffer - bytesInFirstBuffer - 300)
        {
            text.Append("{\"event_type\":\"f\"}\r\n");
        }

        text.Append(LineOfLength("g", firstBuffer - bytesInFirstBuffer - text.Length - 2)).Append("\r\n");
        Assert.Equal(firstBuffer - bytesInFirstBuffer, text.Length);
        text.Append(LineOfLength("long", 3000)).Append("\r\n");
        text.Append("{\"event_type\":\"after\"}\r\n");
        string file = dir.WriteText("t.log", text.ToString());
        string rejects = dir.PathOf("rejects.tsv");

        (RunResult result, _) = await Run.CountAsync(Run.Options([file], rejects) with { MaxLineBytes = 1024, BatchBytes = firstBuffer });

        Assert.Equal(new Dictionary<string, long> { [RejectReasons.TooLong] = 1 }, result.Counters.RejectedByReason);
        Assert.Equal("3000 bytes, more than the bound of 1024", Assert.Single(Run.ReadRejects(rejects))[3]);
    }

    /// <summary>
    /// A line many times longer than a read (batches of 32 KiB here): once it has outgrown the bound it is dropped as
    /// it is read, never held whole, so its reject gives the bound rather than a length. The lines after it keep
    /// their numbers, and every byte of the file is counted.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Read_LineLongerThanManyReads_DroppedAsReadAndNumberingGoesOn(bool gzip)
    {
        using var dir = new TempDir();
        string text = "{\"event_type\":\"a\"}\n" + LineOfLength("long", 500_000) + "\r\n{\"event_type\":\"b\"}\n";
        string file = gzip ? dir.WriteGzip("t.log.gz", text) : dir.WriteText("t.log", text);
        string rejects = dir.PathOf("rejects.tsv");

        (RunResult result, IReadOnlyList<SeenEvent> seen) = await Run.RecordAsync(Run.Options([file], rejects) with { MaxLineBytes = 40_000, BatchBytes = 1024 });

        Assert.Equal([1L, 3L], seen.Select(e => e.Line));
        string[] row = Assert.Single(Run.ReadRejects(rejects));
        Assert.Equal(["2", RejectReasons.TooLong, "longer than the bound of 40000 bytes"], row[1..4]);
        Assert.StartsWith("{\"event_type\":\"long\"", row[4], StringComparison.Ordinal);
        Assert.Equal(text.Length, result.Counters.Bytes);
    }

    /// <summary>
    /// Short lines in batches that fill by their count of events (4096 of about 50 bytes) long before their 1 MiB:
    /// the bytes read and not framed yet move to the next batch, and must not make it grow as a long line would
    /// (doubling; reads are capped so that little is left to move). Every line arrives, once, in order.
    /// </summary>
    [Fact]
    public async Task Read_BatchesFullOfShortLines_StayTheirSize()
    {
        using var dir = new TempDir();
        var text = new StringBuilder();
        int lines = 0;
        while (text.Length < 6_000_000)
        {
            text.Append("{\"event_type\":\"e\",\"n\":").Append(lines++).Append(",\"pad\":\"abcdefghij\"}\n");
        }

        string path = dir.WriteText("short.log", text.ToString());
        var file = new SourceFile(path, 0, new FileInfo(path).Length, SourceFormat.JsonLines);
        var counters = new RunCounters(1, file.Length);
        var rejects = new XAnalytics.Pipeline.RejectLog(null, counters);
        int largest = 0;
        long events = 0;
        long lastLine = 0;
        FileReadOutcome outcome = await LineReader.ReadAsync(file, new LineReaderOptions(16 * 1024 * 1024, 1024 * 1024, 4096), counters, rejects, (batch, _) =>
        {
            largest = Math.Max(largest, batch.BufferBytes);
            for (int i = 0; i < batch.Count; i++)
            {
                Assert.Equal(++lastLine, batch.GetLineNumber(i));
            }

            events += batch.Count;
            batch.Dispose();
            return ValueTask.CompletedTask;
        }, CancellationToken.None);

        Assert.Null(outcome.Fault);
        Assert.Equal(lines, events);
        Assert.Equal(1024 * 1024, largest);
    }

    /// <summary>
    /// The newline search against the runtime's, at every length to 300 (whole 64-byte steps, an overlapping last
    /// step, under 64) with no newline, one at every position, and two.
    /// </summary>
    [Fact]
    public void IndexOfNewline_EveryLengthAndPosition_AsSpanIndexOf()
    {
        for (int length = 0; length <= 300; length++)
        {
            byte[] bytes = new byte[length];
            Array.Fill(bytes, (byte)'x');
            Assert.Equal(-1, LineReader.IndexOfNewline(bytes));
            for (int at = 0; at < length; at++)
            {
                bytes[at] = (byte)'\n';
                Assert.Equal(at, LineReader.IndexOfNewline(bytes));
                if (at + 70 < length)
                {
                    bytes[at + 70] = (byte)'\n';
                    Assert.Equal(at, LineReader.IndexOfNewline(bytes));
                    bytes[at + 70] = (byte)'x';
                }

                bytes[at] = (byte)'x';
            }
        }
    }

    private static string LineOfLength(string type, int length)
    {
        string head = "{\"event_type\":\"" + type + "\",\"pad\":\"";
        string line = head + new string('x', length - head.Length - 2) + "\"}";
        Assert.Equal(length, line.Length);
        return line;
    }
}
