using System.Text;
using XAnalytics.Aggregates;
using XAnalytics.Pipeline;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Stages;

/// <summary>
/// Lines that are not events, each between two good lines of a file: rejected with file, line number and
/// reason in the rejects TSV and in the counters, while their neighbours go on as events.
/// </summary>
public sealed class ParseStageTests
{
    private const string Good = "{\"event_type\":\"play_video\",\"username\":\"learner_a\"}";

    [Theory]
    [InlineData("hello world", RejectReasons.NotJson)]
    [InlineData("# a comment from the fixture", RejectReasons.NotJson)]
    [InlineData("2015-03-01 12:00:00 INFO something happened", RejectReasons.NotJson)]
    [InlineData("{\"event_type\":\"play_video\",\"username\":\"learn", RejectReasons.Truncated)]
    [InlineData("{\"event_type\":\"play_video\",\"event\":{\"a\":[1,2", RejectReasons.Truncated)]
    [InlineData("{\"event_type\":\"play_video\",", RejectReasons.Truncated)]
    [InlineData("{\"event_type\":", RejectReasons.Truncated)]
    [InlineData("{\"event_type\":\"x\",\"n\":12", RejectReasons.Truncated)]
    [InlineData("{\"event_type\":\"x\",\"ok\":tr", RejectReasons.Truncated)]
    [InlineData("{", RejectReasons.Truncated)]
    [InlineData("{\"event_type\": play_video, \"username\": \"learner_a\"}", RejectReasons.InvalidJson)]
    [InlineData("{\"event_type\":\"x\",,\"username\":\"learner_a\"}", RejectReasons.InvalidJson)]
    [InlineData("{\"event_type\":\"x\"} {\"event_type\":\"y\"}", RejectReasons.InvalidJson)]
    [InlineData("{\"event_type\":\"x\"}}", RejectReasons.InvalidJson)]
    [InlineData("{\"event_type\":\"x\"}x", RejectReasons.InvalidJson)]
    [InlineData("[1,2,3]", RejectReasons.NotAnObject)]
    [InlineData("[{\"event_type\":\"x\"}]", RejectReasons.NotAnObject)]
    [InlineData("\"just a string\"", RejectReasons.NotAnObject)]
    [InlineData("42", RejectReasons.NotAnObject)]
    [InlineData("null", RejectReasons.NotAnObject)]
    public async Task Parse_BadLineBetweenGoodOnes_RejectedWithFileLineAndReason(string bad, string reason)
    {
        using var dir = new TempDir();
        string file = dir.WriteText("in/tracking.log", $"{Good}\n{bad}\n{Good}\n");
        string rejects = dir.PathOf("out/rejects.tsv");

        (RunResult result, IReadOnlyList<SeenEvent> seen) = await Run.RecordAsync(Run.Options([file], rejects));

        Assert.Equal([1L, 3L], seen.Select(e => e.Line));
        Assert.Equal(3, result.Counters.LinesRead);
        Assert.Equal(2, result.Counters.Events);
        Assert.Equal(1, result.Counters.Rejected);
        Assert.Equal(new Dictionary<string, long> { [reason] = 1 }, result.Counters.RejectedByReason);
        Assert.False(result.IsClean);
        Assert.Equal(Path.GetFullPath(rejects), result.RejectsPath);
        string[] row = Assert.Single(Run.ReadRejects(rejects));
        Assert.Equal(file, row[0]);
        Assert.Equal("2", row[1]);
        Assert.Equal(reason, row[2]);
        Assert.Equal(bad, row[4]);
    }

    [Fact]
    public async Task Parse_InvalidUtf8_RejectedAsInvalidUtf8WithBytesEscaped()
    {
        using var dir = new TempDir();
        byte[] bad = Encoding.UTF8.GetBytes("{\"event_type\":\"caf?\"}");
        bad[^3] = 0xFF; // in place of '?': a byte that never occurs in UTF-8
        string file = dir.WriteBytes("tracking.log", Gzip.Concat(Encoding.UTF8.GetBytes(Good + "\n"), bad, "\n"u8.ToArray(), Encoding.UTF8.GetBytes(Good)));
        string rejects = dir.PathOf("rejects.tsv");

        (RunResult result, IReadOnlyList<SeenEvent> seen) = await Run.RecordAsync(Run.Options([file], rejects));

        Assert.Equal([1L, 3L], seen.Select(e => e.Line));
        Assert.Equal(new Dictionary<string, long> { [RejectReasons.InvalidUtf8] = 1 }, result.Counters.RejectedByReason);
        string[] row = Assert.Single(Run.ReadRejects(rejects));
        Assert.Equal([file, "2", RejectReasons.InvalidUtf8], row[..3]);
        Assert.Equal("{\"event_type\":\"caf\\xff\"}", row[4]);
    }

    [Fact]
    public async Task Parse_EveryKindOfBadLineInOneFile_EachCountedAndWrittenInOrder()
    {
        using var dir = new TempDir();
        string[] lines =
        [
            Good,
            "# comment",
            Good,
            "{\"event_type\":\"play_video\",\"username\":\"lear",
            Good,
            "{\"event_type\": oops, \"username\": \"learner_b\"}",
            "[1,2]",
            "not json at all",
            Good,
        ];
        string file = dir.WriteText("tracking.log", string.Join('\n', lines) + "\n");
        string rejects = dir.PathOf("rejects.tsv");

        (RunResult result, _) = await Run.CountAsync(Run.Options([file], rejects, threads: 4));

        Assert.Equal(9, result.Counters.LinesRead);
        Assert.Equal(4, result.Counters.Written);
        Assert.Equal(
            new Dictionary<string, long>
            {
                [RejectReasons.InvalidJson] = 1,
                [RejectReasons.NotAnObject] = 1,
                [RejectReasons.NotJson] = 2,
                [RejectReasons.Truncated] = 1,
            },
            result.Counters.RejectedByReason);
        IReadOnlyList<string[]> rows = Run.ReadRejects(rejects);
        Assert.Equal(
            ["2 not-json", "4 truncated", "6 invalid-json", "7 not-an-object", "8 not-json"],
            rows.Select(r => $"{r[1]} {r[2]}").Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(file, r[0]));
    }

    [Fact]
    public async Task Parse_TabsAndBackslashesInRejectedLine_EscapedInTsv()
    {
        using var dir = new TempDir();
        string file = dir.WriteText("tracking.log", "not\tjson \\ here\r\n");
        string rejects = dir.PathOf("rejects.tsv");

        await Run.CountAsync(Run.Options([file], rejects));

        string[] row = Assert.Single(Run.ReadRejects(rejects));
        Assert.Equal("not\\tjson \\\\ here", row[4]);
    }

    [Fact]
    public async Task Parse_ControlBytesInRejectedLine_EscapedAsHexAndTheFileStaysPlainTsv()
    {
        // NUL, bell, vertical tab, form feed, ESC, DEL and NEL (U+0085): raw in the file, they made it binary to
        // grep, drove the terminal that showed it, and (form feed, NEL) broke it into lines for some readers.
        using var dir = new TempDir();
        string file = dir.WriteBytes("tracking.log", [.. "not"u8, 0x00, 0x07, 0x0b, 0x0c, 0x1b, (byte)'[', (byte)'2', (byte)'J', 0x7f, 0xc2, 0x85, (byte)'x', (byte)'\n']);
        string rejects = dir.PathOf("rejects.tsv");

        await Run.CountAsync(Run.Options([file], rejects));

        string[] row = Assert.Single(Run.ReadRejects(rejects));
        Assert.Equal("not\\x00\\x07\\x0b\\x0c\\x1b[2J\\x7f\\xc2\\x85x", row[4]);
        byte[] bytes = File.ReadAllBytes(rejects);
        Assert.DoesNotContain(bytes, static b => b < 0x20 && b is not (byte)'\t' and not (byte)'\n');
    }

    [Fact]
    public async Task Parse_ByteOrderMarkAndLeadingSpaces_AreEvents()
    {
        using var dir = new TempDir();
        string file = dir.WriteText("tracking.log", "\uFEFF{\"event_type\":\"a\"}\n  {\"event_type\":\"b\"}\n\t{\"event_type\":\"c\"} \n");

        (RunResult result, CountResult counts) = await Run.CountAsync(Run.Options([file]));

        Assert.Equal(3, result.Counters.Events);
        Assert.True(result.IsClean);
        Assert.Equal(["a", "b", "c"], counts.Rows!.Select(r => r.Values[0]));
    }

    [Fact]
    public async Task Run_NoRejects_WritesHeaderOnlyRejectsFileAndNoTemporaryFile()
    {
        using var dir = new TempDir();
        string file = dir.WriteText("in/tracking.log", Good + "\n");
        string rejects = dir.PathOf("out/rejects.tsv");

        (RunResult result, _) = await Run.CountAsync(Run.Options([file], rejects));

        Assert.True(result.IsClean);
        Assert.Empty(Run.ReadRejects(rejects));
        Assert.Equal(["rejects.tsv"], Directory.GetFiles(dir.PathOf("out")).Select(Path.GetFileName));
    }
}
