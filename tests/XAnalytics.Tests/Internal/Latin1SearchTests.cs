using System.Text;
using XAnalytics.Internal;

namespace XAnalytics.Tests.Internal;

public sealed class Latin1SearchTests
{
    private static readonly Latin1Search s_needles = new("user", "/api/", "\\");

    [Theory]
    [InlineData("{\"username\":\"x\"}", true)]
    [InlineData("{\"name\":\"x\"}", false)]
    [InlineData("/courses/api/v1", true)]
    [InlineData("caf\u00e9 \u00fcser", false)] // non-ASCII letters around: 'üser' is not 'user'
    [InlineData("\u00e9user", true)]
    [InlineData("a\\u0075ser", true)] // an escape: the backslash
    [InlineData("", false)]
    public void Contains_FindsAnAsciiNeedleExactly(string text, bool expected)
        => Assert.Equal(expected, s_needles.Contains(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Contains_LongerThanTheStackBuffer_FindsTheNeedleAtTheEnd()
    {
        byte[] text = Encoding.UTF8.GetBytes(new string('a', 5000) + "use" + "r");
        Assert.True(s_needles.Contains(text));
        Assert.False(s_needles.Contains(text.AsSpan(0, text.Length - 1)));
    }

    [Fact]
    public void Contains_AHugeValueThenSmallOnes_FoundInEitherBuffer()
    {
        var search = new Latin1Search("user", "/api/");
        byte[] huge = Encoding.UTF8.GetBytes(new string('a', 200_000) + "/api/");

        Assert.True(search.Contains(huge));
        Assert.False(search.Contains(huge.AsSpan(0, huge.Length - 1)));
        Assert.True(search.Contains("x user"u8));
        Assert.False(search.Contains("x usr"u8));
    }

    [Theory]
    [InlineData("a=b", true)]
    [InlineData("next", true)]
    [InlineData("nex", false)]
    [InlineData("", false)]
    public void Contains_OneByteAndLongerNeedlesTogether_FindsEither(string text, bool expected)
        => Assert.Equal(expected, new Latin1Search("=", "next").Contains(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Contains_OnlyOneByteNeedles_SearchesTheBytes()
    {
        var search = new Latin1Search("\\", "/");
        Assert.True(search.Contains("a\\b"u8));
        Assert.False(search.Contains("ab"u8));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\u00fcser")]
    public void Constructor_EmptyOrNonAsciiNeedle_Throws(string needle)
        => Assert.Throws<ArgumentException>(() => new Latin1Search("user", needle));
}
