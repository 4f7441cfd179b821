using System.Buffers;
using System.Text;
using XAnalytics.Internal;

namespace XAnalytics.Tests.Internal;

public sealed class Latin1SearchTests
{
    private static readonly SearchValues<string> s_needles = SearchValues.Create(["user", "/api/", "\\"], StringComparison.Ordinal);

    [Theory]
    [InlineData("{\"username\":\"x\"}", true)]
    [InlineData("{\"name\":\"x\"}", false)]
    [InlineData("/courses/api/v1", true)]
    [InlineData("caf\u00e9 \u00fcser", false)] // non-ASCII letters around: 'üser' is not 'user'
    [InlineData("\u00e9user", true)]
    [InlineData("a\\u0075ser", true)] // an escape: the backslash
    [InlineData("", false)]
    public void Contains_FindsAnAsciiNeedleExactly(string text, bool expected)
        => Assert.Equal(expected, Latin1Search.Contains(Encoding.UTF8.GetBytes(text), s_needles));

    [Fact]
    public void Contains_LongerThanTheStackBuffer_FindsTheNeedleAtTheEnd()
    {
        byte[] text = Encoding.UTF8.GetBytes(new string('a', 5000) + "use" + "r");
        Assert.True(Latin1Search.Contains(text, s_needles));
        Assert.False(Latin1Search.Contains(text.AsSpan(0, text.Length - 1), s_needles));
    }
}
