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

    /// <summary>
    /// <see cref="JsonBytes.TextEquals"/>: a key written with a lone surrogate escape is compared (as U+FFFD) instead of
    /// throwing; a fuzzer's line <c>{"\ud800":1}</c> failed report, export-events and schema with the reader's own
    /// ValueTextEquals.
    /// </summary>
    [Theory]
    [InlineData("{\"\\ud800\":1}", "x", false)]
    [InlineData("{\"\\u00e9\\ud800\":1}", "\u00e9\uFFFD", true)]
    [InlineData("{\"course\\u005fid\":1}", "course_id", true)]
    [InlineData("{\"course_id\":1}", "course_id", true)]
    [InlineData("{\"\\u0041\\u0042\":1}", "A", false)]
    public void TextEquals_EscapedKeys_ComparedUnescapedWithoutThrowing(string json, string key, bool equal)
    {
        var reader = new System.Text.Json.Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        reader.Read();
        reader.Read(); // the property name
        Assert.Equal(equal, JsonBytes.TextEquals(in reader, System.Text.Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>The escape reader <see cref="JsonBytes.Unescape"/> and EdxJson's lone-surrogate scan share.</summary>
    [Theory]
    [InlineData(@"\u00e9", 0, 0xE9)]
    [InlineData(@"ab\uD83D", 2, 0xD83D)]
    [InlineData(@"\uDc00", 0, 0xDC00)]
    [InlineData(@"\u00g9", 0, -1)]
    [InlineData(@"\u00e", 0, -1)]
    [InlineData(@"\n\u0041", 0, -1)]
    [InlineData(@"\n\u0041", 2, 0x41)]
    [InlineData(@"u0041", 0, -1)]
    public void EscapedUnit_ReadsOnlyAWholeUEscape(string json, int at, int expected)
        => Assert.Equal(expected, JsonBytes.EscapedUnit(System.Text.Encoding.ASCII.GetBytes(json), at));

    [Theory]
    [InlineData(@"\uD83D\uDE00", 0xD83D, 0xDE00)]
    [InlineData(@"\uD83D\u0041", 0xD83D, -1)]
    [InlineData(@"\uD83Dx", 0xD83D, -1)]
    [InlineData(@"\uD83D", 0xD83D, -1)]
    [InlineData(@"\uDE00\uDE00", 0xDE00, -1)]
    [InlineData(@"\u0041\uDE00", 0x41, -1)]
    public void LowSurrogateAfter_OnlyAHighThenALowEscape(string json, int unit, int expected)
        => Assert.Equal(expected, JsonBytes.LowSurrogateAfter(System.Text.Encoding.ASCII.GetBytes(json), unit, 6));
}
