using XAnalytics.Settings;

namespace XAnalytics.Tests.Settings;

public sealed class DurationTests
{
    [Theory]
    [InlineData("30m", 1800)]
    [InlineData("90s", 90)]
    [InlineData("1h", 3600)]
    [InlineData("1h30m", 5400)]
    [InlineData(" 45m30s ", 2730)]
    [InlineData("2H", 7200)]
    public void TryParse_UnitsInOrder_Seconds(string text, int seconds)
    {
        Assert.True(Duration.TryParse(text, out TimeSpan d));
        Assert.Equal(TimeSpan.FromSeconds(seconds), d);
    }

    [Theory]
    [InlineData("30")]      // minutes or seconds? never a guess
    [InlineData("")]
    [InlineData("0m")]
    [InlineData("m")]
    [InlineData("30m1h")]   // units out of order
    [InlineData("5m5m")]
    [InlineData("-5m")]
    [InlineData("1.5h")]
    [InlineData("30 minutes")]
    public void TryParse_NotADuration_False(string text) => Assert.False(Duration.TryParse(text, out _));
}
