using System.Text;
using XAnalytics.Internal;

namespace XAnalytics.Tests.Internal;

public sealed class JsonBytesTests
{
    [Theory]
    [InlineData(@"plain", "plain")]
    [InlineData(@"a\""b\\c\/d\n\t\r\b\f", "a\"b\\c/d\n\t\r\b\f")]
    [InlineData(@"caf\u00e9 \u20ac", "café €")]
    [InlineData(@"\ud83d\ude00!", "😀!")]
    [InlineData(@"cut \ud83d", "cut \uFFFD")]
    [InlineData(@"\ude00\ud83dx", "\uFFFD\uFFFDx")]
    public void Unescape_MatchesJsonAndReplacesLoneSurrogates(string escaped, string expected)
    {
        byte[] source = Encoding.UTF8.GetBytes(escaped);
        byte[] destination = new byte[source.Length];
        int n = JsonBytes.Unescape(source, destination);
        Assert.Equal(expected, Encoding.UTF8.GetString(destination, 0, n));
    }
}
