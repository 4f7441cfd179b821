using System.Text;
using XAnalytics.Aggregates;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Pipeline;

/// <summary>
/// Files that cannot be read to their end: named in the result with the reason and the good lines before the
/// fault, which are processed; the run goes on with the other files unless it is strict.
/// </summary>
public sealed class BadFileTests
{
    private static string Lines(string prefix, int count)
    {
        var sb = new StringBuilder();
        for (int i = 1; i <= count; i++)
        {
            sb.Append("{\"event_type\":\"").Append(prefix).Append("\",\"n\":").Append(i).Append(",\"pad\":\"")
              .Append('p', i % 200).Append("\"}\n");
        }

        return sb.ToString();
    }

    [Fact]
    public async Task Run_EmptyPlainFile_NoEventsAndNotBad()
    {
        using var dir = new TempDir();
        string empty = dir.WriteText("empty.log", string.Empty);

        (RunResult result, _) = await Run.CountAsync(Run.Options([empty]));

        Assert.Equal(0, result.Counters.LinesRead);
        Assert.Empty(result.Counters.BadFiles);
        Assert.True(result.IsClean);
        Assert.Equal(1, result.Counters.FilesDone);
    }

    [Fact]
    public async Task Run_ZeroByteGzip_BadFileNamedAndRunGoesOn()
    {
        using var dir = new TempDir();
        string good = dir.WriteText("a.log", Lines("a", 5));
        string empty = dir.WriteBytes("b.log.gz", []);

        (RunResult result, _) = await Run.CountAsync(Run.Options([dir.Root]));

        BadFile bad = Assert.Single(result.Counters.BadFiles);
        Assert.Equal(empty, bad.File.Path);
        Assert.Contains("not a gzip", bad.Reason, StringComparison.Ordinal);
        Assert.Equal(0, bad.LinesBeforeFault);
        Assert.Equal(5, result.Counters.Events);
        Assert.False(result.IsClean);
        Assert.NotNull(good);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Run_TruncatedGzip_GoodLinesCountedAndOtherFilesRead(int threads)
    {
        using var dir = new TempDir();
        dir.WriteText("a.log", Lines("a", 100));
        byte[] whole = Gzip.Compress(Encoding.UTF8.GetBytes(Lines("b", 20_000)));
        string truncated = dir.WriteBytes("b.log.gz", whole[..(whole.Length * 2 / 3)]);
        dir.WriteGzip("c.log.gz", Lines("c", 300));

        (RunResult result, CountResult counts) = await Run.CountAsync(Run.Options([dir.Root], threads: threads));

        BadFile bad = Assert.Single(result.Counters.BadFiles);
        Assert.Equal(truncated, bad.File.Path);
        Assert.Contains("cut off", bad.Reason, StringComparison.Ordinal);
        Assert.InRange(bad.LinesBeforeFault, 1, 19_999);
        Dictionary<string, long> byType = counts.Rows!.ToDictionary(r => r.Values[0]!, r => r.Count);
        Assert.Equal(100, byType["a"]);
        Assert.Equal(bad.LinesBeforeFault, byType["b"]);
        Assert.Equal(300, byType["c"]);
        Assert.Equal(400 + bad.LinesBeforeFault, result.Counters.LinesRead);
        Assert.False(result.IsClean);
    }

    [Fact]
    public async Task Run_TruncatedGzip_GoodLinesAreTheFileStartInOrder()
    {
        using var dir = new TempDir();
        byte[] whole = Gzip.Compress(Encoding.UTF8.GetBytes(Lines("b", 5000)));
        string truncated = dir.WriteBytes("b.log.gz", whole[..^100]);

        (RunResult result, IReadOnlyList<SeenEvent> seen) = await Run.RecordAsync(Run.Options([truncated]));

        BadFile bad = Assert.Single(result.Counters.BadFiles);
        Assert.Equal(bad.LinesBeforeFault, seen.Count);
        Assert.Equal(Enumerable.Range(1, seen.Count).Select(i => (long)i), seen.Select(e => e.Line));
        Assert.All(seen, e => Assert.EndsWith("\"}", e.Text, StringComparison.Ordinal)); // no half line
    }

    [Theory]
    [InlineData("corrupt")]
    [InlineData("crc")]
    [InlineData("not-gzip")]
    [InlineData("garbage")]
    public async Task Run_CorruptGzip_BadFileNamedWithReason(string how)
    {
        using var dir = new TempDir();
        dir.WriteText("a.log", Lines("a", 10));
        byte[] gz = Gzip.Compress(Encoding.UTF8.GetBytes(Lines("b", 1000)));
        string expectedWords;
        switch (how)
        {
            case "corrupt":
                gz[10] = 0xFF;
                expectedWords = "invalid compressed data";
                break;
            case "crc":
                gz[^7] ^= 0x20;
                expectedWords = "CRC-32";
                break;
            case "not-gzip":
                gz = Encoding.UTF8.GetBytes(Lines("b", 3));
                expectedWords = "not a gzip file";
                break;
            default:
                gz = Gzip.Concat(gz, "junk"u8.ToArray());
                expectedWords = "unexpected bytes after gzip member 1";
                break;
        }

        string bad = dir.WriteBytes("b.log.gz", gz);
        dir.WriteText("c.log", Lines("c", 10));

        (RunResult result, CountResult counts) = await Run.CountAsync(Run.Options([dir.Root]));

        BadFile badFile = Assert.Single(result.Counters.BadFiles);
        Assert.Equal(bad, badFile.File.Path);
        Assert.Contains(expectedWords, badFile.Reason, StringComparison.Ordinal);
        Dictionary<string, long> byType = counts.Rows!.ToDictionary(r => r.Values[0]!, r => r.Count);
        Assert.Equal(10, byType["a"]);
        Assert.Equal(10, byType["c"]);
        Assert.False(result.IsClean);
    }

    [Fact]
    public async Task Run_MultiMemberGzip_AllLinesRead()
    {
        using var dir = new TempDir();
        string file = dir.WriteBytes("multi.log.gz", Gzip.Concat(
            Gzip.Compress(Encoding.UTF8.GetBytes(Lines("a", 1000))),
            Gzip.Member(Encoding.UTF8.GetBytes(Lines("b", 10)), Gzip.FlagName | Gzip.FlagExtra | Gzip.FlagComment | Gzip.FlagHeaderCrc),
            Gzip.Compress(Encoding.UTF8.GetBytes(Lines("c", 2000)))));

        (RunResult result, IReadOnlyList<SeenEvent> seen) = await Run.RecordAsync(Run.Options([file]));

        Assert.Equal(3010, seen.Count);
        Assert.Equal(Enumerable.Range(1, 3010).Select(i => (long)i), seen.Select(e => e.Line));
        Assert.True(result.IsClean);
    }

    [Fact]
    public async Task Run_MemberWithBadCrc_ItsLinesRejectedAsBadMemberNotCounted()
    {
        // The lines of a member are held back until its trailer is checked: the "b" member's CRC is wrong, so none of
        // its lines is an event; each is a bad-member reject with file and line, and the file is named as bad.
        using var dir = new TempDir();
        byte[] bad = Gzip.Member(Encoding.UTF8.GetBytes(Lines("b", 10)));
        bad[^7] ^= 0x20;
        string file = dir.WriteBytes("multi.log.gz", Gzip.Concat(Gzip.Compress(Encoding.UTF8.GetBytes(Lines("a", 1000))), bad));
        string rejects = dir.PathOf("rejects.tsv");
        PipelineOptions options = Run.Options([file], rejects) with { BatchEvents = 16, BatchBytes = 4096 };

        (RunResult result, CountResult counts) = await Run.CountAsync(options);

        Dictionary<string, long> byType = counts.Rows!.ToDictionary(r => r.Values[0]!, r => r.Count);
        Assert.False(byType.ContainsKey("b"));
        Assert.InRange(byType["a"], 1000 - 16, 1000); // a-lines sharing the bad member's batch go with it
        Assert.Equal(1010 - byType["a"], result.Counters.RejectedByReason[RejectReasons.BadMember]);
        IReadOnlyList<string[]> rows = Run.ReadRejects(rejects);
        Assert.Equal(1010 - byType["a"], rows.Count);
        Assert.All(rows, r => Assert.Equal((file, RejectReasons.BadMember), (r[0], r[2])));
        Assert.Equal(Enumerable.Range((int)byType["a"] + 1, rows.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), rows.Select(r => r[1]));
        BadFile badFile = Assert.Single(result.Counters.BadFiles);
        Assert.Contains("CRC-32", badFile.Reason, StringComparison.Ordinal);
        Assert.Contains("rejected as bad-member", badFile.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadMemberLargerThanTheHold_BadFileSaysHowManyLinesWereCounted()
    {
        // A member of more batches than are held: its first lines flow on before its trailer is read. When it fails,
        // the rest are rejected and the bad file says how many had been counted; the run still balances.
        using var dir = new TempDir();
        byte[] bad = Gzip.Member(Encoding.UTF8.GetBytes(Lines("a", 1000)));
        bad[^7] ^= 0x20;
        string file = dir.WriteBytes("big.log.gz", bad);
        PipelineOptions options = Run.Options([file], dir.PathOf("rejects.tsv")) with { BatchEvents = 16, BatchBytes = 4096 };

        (RunResult result, CountResult counts) = await Run.CountAsync(options);

        long counted = counts.Rows!.Single().Count;
        Assert.InRange(counted, 1, 1000 - 1);
        Assert.Equal(1000 - counted, result.Counters.RejectedByReason[RejectReasons.BadMember]);
        BadFile badFile = Assert.Single(result.Counters.BadFiles);
        Assert.Contains($"{counted} lines read before them", badFile.Reason, StringComparison.Ordinal);
        Assert.Contains("already counted as events", badFile.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_GzipContentWithoutGzName_ReadAsGzip()
    {
        using var dir = new TempDir();
        string file = dir.WriteGzip("tracking.log", Lines("a", 7));

        (RunResult result, _) = await Run.CountAsync(Run.Options([file]));

        Assert.Equal(7, result.Counters.Events);
        Assert.True(result.IsClean);
    }

    [UnixNonRootFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Run_UnreadableFile_BadFileAndRunGoesOn()
    {
        using var dir = new TempDir();
        dir.WriteText("a.log", Lines("a", 3));
        string locked = dir.WriteText("b.log", Lines("b", 3));
        File.SetUnixFileMode(locked, UnixFileMode.None);

        (RunResult result, _) = await Run.CountAsync(Run.Options([dir.Root]));

        BadFile bad = Assert.Single(result.Counters.BadFiles);
        Assert.Equal(locked, bad.File.Path);
        Assert.Contains("cannot be read", bad.Reason, StringComparison.Ordinal);
        Assert.Equal(3, result.Counters.Events);
    }

    /// <summary>A strict run stops at the first bad file in file order, whichever reader met a bad file first.</summary>
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(4, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(4, true)]
    public async Task Run_StrictWithBadFiles_ThrowsBadFileExceptionNamingFirst(int threads, bool ordered)
    {
        using var dir = new TempDir();
        byte[] whole = Gzip.Compress(Encoding.UTF8.GetBytes(Lines("x", 3000)));
        for (int i = 0; i < 12; i++)
        {
            dir.WriteText($"in/f{i:D2}.log", Lines("a", 50));
        }

        string firstBad = dir.WriteBytes("in/f05.log.gz", whole[..^20]);
        dir.WriteBytes("in/f09.log.gz", []);
        string rejects = dir.PathOf("out/rejects.tsv");
        dir.WriteText("in/f00.log", "# a rejected line, so the rejects file is begun\n" + Lines("a", 50));
        PipelineOptions options = Run.Options([dir.PathOf("in")], rejects, threads) with { Strict = true };

        IEventSink sink = ordered ? new RecordingSink(true) : new AggregateSink<CountTable>(new CountAggregate([]));
        BadFileException e = await Assert.ThrowsAsync<BadFileException>(
            () => EventPipeline.RunAsync(options, [], sink).WaitAsync(Run.Timeout));

        // The first bad file in input order, whatever the sink and the threads.
        Assert.Equal(firstBad, e.File.File.Path);
        Assert.Contains(e.File.File.Path, e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.PathOf("out")) && Directory.EnumerateFileSystemEntries(dir.PathOf("out")).Any());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Run_StrictUnordered_NamesTheFirstBadFileInOrder_NotTheOneMetFirst(int threads)
    {
        // The first bad file takes a while to find bad (its cut is at the end of 8 MB); the second is bad at once
        // (empty). Another reader meets the second long before the first is found out.
        using var dir = new TempDir();
        byte[] big = Gzip.Compress(Encoding.UTF8.GetBytes(Lines("x", 100_000)));
        string firstBad = dir.WriteBytes("in/f00.log.gz", big[..^20]);
        dir.WriteBytes("in/f01.log.gz", []);
        dir.WriteText("in/f02.log", Lines("a", 50));
        PipelineOptions options = Run.Options([dir.PathOf("in")], null, threads) with { Strict = true };

        BadFileException e = await Assert.ThrowsAsync<BadFileException>(
            () => EventPipeline.RunAsync(options, [], new AggregateSink<CountTable>(new CountAggregate([]))).WaitAsync(Run.Timeout));

        Assert.Equal(firstBad, e.File.File.Path);
    }

    [Fact]
    public async Task Run_StrictAllGood_Completes()
    {
        using var dir = new TempDir();
        dir.WriteText("a.log", Lines("a", 5));
        dir.WriteGzip("b.log.gz", Lines("b", 5));

        (RunResult result, _) = await Run.CountAsync(Run.Options([dir.Root]) with { Strict = true });

        Assert.Equal(10, result.Counters.Events);
        Assert.True(result.IsClean);
    }

    /// <summary>
    /// A file that opens but fails to read (as root, a mode-000 file reads fine, so this stands in for it):
    /// <c>/proc/self/mem</c> read from offset 0 fails with EIO on Linux.
    /// </summary>
    [LinuxProcMemFact]
    public async Task Run_FileFailsWhileReading_BadFileAndRunGoesOn()
    {
        using var dir = new TempDir();
        string good = dir.WriteText("a.log", Lines("a", 3));

        (RunResult result, _) = await Run.CountAsync(Run.Options([good, "/proc/self/mem"]));

        BadFile bad = Assert.Single(result.Counters.BadFiles);
        Assert.Equal("/proc/self/mem", bad.File.Path);
        Assert.Equal(0, bad.LinesBeforeFault);
        Assert.Equal(3, result.Counters.Events);
        Assert.False(result.IsClean);
    }
}
