using System.Globalization;
using System.Text;
using XAnalytics.Events;

namespace XAnalytics.Tests.Events;

public sealed class Utf8TimeTests
{
    [Theory]
    [InlineData("2014-06-19T18:27:54.714937+00:00")]
    [InlineData("2014-06-19T18:27:54.714937")]
    [InlineData("2014-06-19 18:27:54")]
    [InlineData("2014-06-19T18:27:54Z")]
    [InlineData("2014-06-19T18:27:54.1Z")]
    [InlineData("2015-03-02T23:59:59.999999-01:00")]
    [InlineData("2015-03-02T01:30:00+0530")]
    [InlineData("2016-02-29T00:00:00+00:00")]
    [InlineData("2014-06-19T18:27:54.714937+00:00 ")] // not the fast shape: parsed the slow way
    public void TryParseUtcTicks_EdxShapes_SameAsDateTimeOffset(string text)
    {
        Assert.True(Utf8Time.TryParseUtcTicks(Encoding.UTF8.GetBytes(text), out long ticks));
        DateTimeOffset expected = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.Equal(expected.UtcTicks, ticks);
    }

    [Fact]
    public void TryParseUtcTicks_MoreThanSevenFractionDigits_TruncatedToTicks()
    {
        Assert.True(Utf8Time.TryParseUtcTicks("2014-06-19T18:27:54.123456789+00:00"u8, out long ticks));
        Assert.Equal(new DateTime(2014, 6, 19, 18, 27, 54, DateTimeKind.Utc).Ticks + 1_234_567, ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2015-02-30T00:00:00+00:00")]
    [InlineData("2015-13-01T00:00:00")]
    public void TryParseUtcTicks_NotATime_False(string text)
        => Assert.False(Utf8Time.TryParseUtcTicks(Encoding.UTF8.GetBytes(text), out _));
}
