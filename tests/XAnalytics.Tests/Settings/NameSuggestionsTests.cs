using XAnalytics.Settings;

namespace XAnalytics.Tests.Settings;

/// <summary>"Did you mean" for settings keys and options: the nearest known name, when it is near enough.</summary>
public sealed class NameSuggestionsTests
{
    [Theory]
    [InlineData("", "", 0)]
    [InlineData("threds", "threads", 1)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("--by", "--bye", 1)]
    [InlineData("Output-Dir", "output-dir", 0)]
    [InlineData("abc", "", 3)]
    public void Distance_Levenshtein_IgnoringCase(string a, string b, int expected)
    {
        Assert.Equal(expected, NameSuggestions.Distance(a, b));
        Assert.Equal(expected, NameSuggestions.Distance(b, a));
    }

    [Theory]
    [InlineData("desensitise-drop", "desensitize-drop")]
    [InlineData("max-line-lenght", "max-line-length")]
    [InlineData("threds", "threads")]
    [InlineData("geoip-database", null)]
    [InlineData("x", null)]
    public void Nearest_SettingKeys_OnlyWhenNearEnough(string typed, string? expected)
        => Assert.Equal(expected, NameSuggestions.Nearest(typed, SettingKeys.All));

    [Fact]
    public void Nearest_Tie_FirstInTheGivenOrder()
        => Assert.Equal("--by", NameSuggestions.Nearest("--bz", ["--by", "--bx"]));
}
