using XAnalytics.Stages;
using static XAnalytics.Tests.Stages.StageHarness;

namespace XAnalytics.Tests.Stages;

public sealed class TruncateStageTests
{
    [Fact]
    public async Task Process_LongStrings_BecomeNullAtAnyDepth()
    {
        (List<string> output, XAnalytics.Pipeline.RunResult result) = await RunAsync(
            [
                """{"short": "abcd", "long": "abcdef", "event": {"answer": ["abcdefg", "ab"], "abcdefghij": 1}, "unicode": "ééééé"}""",
                """{"short": "abc"}""",
            ],
            [TruncateStage.Create(new TruncateOptions { MaxLength = 5 })]);

        AssertJson("""{"short": "abcd", "long": null, "event": {"answer": [null, "ab"], "abcdefghij": 1}, "unicode": "ééééé"}""", output[0]);
        Assert.Equal("""{"short": "abc"}""", output[1]);
        Assert.Equal(1, result.Counters.Stages[TruncateStage.Name].Changed);
        Assert.Equal(2, result.Counters.Stages[TruncateStage.Name].Fact(TruncateStage.NulledFact));
    }
}
