using XAnalytics.Pipeline;
using XAnalytics.Stages;
using static XAnalytics.Tests.Stages.StageHarness;

namespace XAnalytics.Tests.Stages;

public sealed class ParseRepairTests
{
    [Theory]
    [InlineData("""{"a": "x", "b": "cut he""", """{"a": "x", "b": "cut he"}""")]
    [InlineData("""{"a": {"b": [1, 2""", """{"a": {"b": [1]}}""")]
    [InlineData("""{"a": {"b": [1, 2, """, """{"a": {"b": [1, 2]}}""")]
    [InlineData("""{"a": 1, "b":""", """{"a": 1}""")]
    [InlineData("""{"a": 1, "b""", """{"a": 1}""")]
    [InlineData("""{"a": 1,""", """{"a": 1}""")]
    [InlineData("""{"a": "x\""", """{"a": "x"}""")]
    [InlineData("""{"a": "x\u00""", """{"a": "x"}""")]
    [InlineData("""{"a": [{"b": "c"}, {"d": tru""", """{"a": [{"b": "c"}, {}]}""")]
    public async Task Parse_RepairTruncated_ClosesTheJson(string line, string expected)
    {
        (List<string> output, RunResult result) = await RunAsync([line, """{"ok": 1}"""], [], parse: new ParseOptions { RepairTruncated = true });

        AssertJson(expected, output[0]);
        Assert.Equal(2, result.Counters.Written);
        Assert.Equal(1, result.Counters.Stages[ParseStage.Name].Changed);
        Assert.Equal(1, result.Counters.Stages[ParseStage.Name].Fact(ParseStage.RepairedFact));
    }

    /// <summary>
    /// edX's eventlog.parse_json_event reads a line that is not JSON again as <c>^.*?(\{.*\})\s*$</c> (its test:
    /// <c>'leading cruft here {"username": "successful"}  '</c>): the object after a syslog prefix is the event, the
    /// prefix dropped; a line whose slice from the first <c>{</c> to the last <c>}</c> is not an object stays rejected.
    /// </summary>
    [Fact]
    public async Task Parse_TextBeforeTheObject_ReadAsEdxReadsIt()
    {
        (List<string> output, RunResult result) = await RunAsync(
        [
            """May 27 10:00:00 lms1 tracking: {"username": "a", "event": {"x": 1}}""",
            """leading cruft here {"username": "successful"}  """,
            """cruft {"username": "b"} trailing""",
            """cruft {"username": "c"} {"username": "d"}""",
            """cruft {"username": "e""",
            """{"ok": 1}""",
        ], []);

        Assert.Equal(3, output.Count);
        AssertJson("""{"username": "a", "event": {"x": 1}}""", output[0]);
        AssertJson("""{"username": "successful"}""", output[1]);
        AssertJson("""{"ok": 1}""", output[2]);
        Assert.Equal(3, result.Counters.Rejected);
        Assert.Equal(2, result.Counters.Stages[ParseStage.Name].Fact(ParseStage.PrefixedFact));
        Assert.Equal(2, result.Counters.Stages[ParseStage.Name].Changed);
        Assert.Equal(6, result.Counters.LinesRead);
    }

    [Fact]
    public async Task Parse_WithoutRepair_TruncatedRejected()
    {
        (List<string> output, RunResult result) = await RunAsync(["""{"a": "x", "b": "cut he""", """{"ok": 1}"""], []);

        Assert.Single(output);
        Assert.Equal(1, result.Counters.RejectedByReason[RejectReasons.Truncated]);
    }

    [Fact]
    public async Task Parse_RepairOfMalformedJson_StaysRejected()
    {
        (List<string> output, RunResult result) = await RunAsync(["""{"a": x"b": 1}""", """{"a": "x" "b""", """{"ok": 1}"""], [], parse: new ParseOptions { RepairTruncated = true });

        Assert.Single(output);
        Assert.Equal(2, result.Counters.Rejected);
        Assert.Equal(0, result.Counters.Stages[ParseStage.Name].Changed);
    }

    [Fact]
    public async Task Parse_LineFilter_LinesWithoutTextFilteredNotRejected()
    {
        (List<string> output, RunResult result) = await RunAsync(
            ["""{"event_type": "play_video"}""", """{"event_type": "pause_video"}""", "not json play_video", "garbage"],
            [],
            parse: new ParseOptions { LineFilter = ParseOptions.ContainsText("play_video") });

        Assert.Equal(["""{"event_type": "play_video"}"""], output);
        Assert.Equal(2, result.Counters.Filtered);
        Assert.Equal(1, result.Counters.Rejected);
        Assert.Equal(4, result.Counters.LinesRead);
    }
}
