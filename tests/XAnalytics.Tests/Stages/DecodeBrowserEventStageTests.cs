using XAnalytics.Stages;
using static XAnalytics.Tests.Stages.StageHarness;

namespace XAnalytics.Tests.Stages;

public sealed class DecodeBrowserEventStageTests
{
    [Fact]
    public async Task Process_JsonStringEvent_DecodedToObject()
    {
        string output = await RunOneAsync(
            """{"event_type": "play_video", "event": "{\"id\": \"i4x-OrgX-C1-video-abc\", \"currentTime\": 12.5}", "event_source": "browser"}""",
            DecodeBrowserEventStage.Create());

        AssertJson("""{"event_type": "play_video", "event": {"id": "i4x-OrgX-C1-video-abc", "currentTime": 12.5}, "event_source": "browser"}""", output);
    }

    [Fact]
    public async Task Process_DoublyEncoded_DecodedTwice()
    {
        string output = await RunOneAsync("""{"event": "\"{\\\"a\\\": [1, \\\"x\\\"]}\""}""", DecodeBrowserEventStage.Create());

        AssertJson("""{"event": {"a": [1, "x"]}}""", output);
    }

    [Fact]
    public async Task Process_Undecodable_KeptAndCounted()
    {
        string[] lines =
        [
            """{"event": "{\"id\": \"cut at 512 chars"}""",
            """{"event": "id=block-v1:OrgX+C1+2015_T1&new=2&old=1"}""",
            """{"event": ""}""",
            """{"event": {"already": "object"}}""",
            """{"event": "[1,2]"}""",
        ];

        (List<string> output, XAnalytics.Pipeline.RunResult result) = await RunAsync(lines, [DecodeBrowserEventStage.Create()]);

        Assert.Equal(lines[0], output[0]);
        Assert.Equal(lines[1], output[1]);
        Assert.Equal(lines[2], output[2]);
        Assert.Equal(lines[3], output[3]);
        AssertJson("""{"event": [1,2]}""", output[4]);
        XAnalytics.Pipeline.StageCounters stage = result.Counters.Stages[DecodeBrowserEventStage.Name];
        Assert.Equal(1, stage.Changed);
        Assert.Equal(2, stage.Fact(DecodeBrowserEventStage.UndecodableFact));
        Assert.Equal(5, stage.In);
        Assert.Equal(5, stage.Out);
    }
}
