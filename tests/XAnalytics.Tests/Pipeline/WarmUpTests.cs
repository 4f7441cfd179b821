namespace XAnalytics.Tests.Pipeline;

public sealed class WarmUpTests
{
    /// <summary>The warm-up's sample goes through the JSON fast path (the code it is there to compile), and the public call completes.</summary>
    [Fact]
    public async Task WarmUp_SampleTakesTheFastPath_AndTheTaskCompletes()
    {
        Assert.True(EventPipeline.WarmUp());
        await EventPipeline.WarmUpAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }
}
