using XAnalytics.Events;

namespace XAnalytics.Tests.Events;

public sealed class FieldPathTests
{
    [Theory]
    [InlineData("event_type", new[] { "event_type" })]
    [InlineData("context.course_id", new[] { "context", "course_id" })]
    [InlineData("context.module.display_name", new[] { "context", "module", "display_name" })]
    [InlineData("event:element", new[] { "event", "element" })]
    [InlineData("event:some.key", new[] { "event", "some.key" })]
    [InlineData("  context.user_id  ", new[] { "context", "user_id" })]
    public void Parse_ValidPath_Segments(string text, string[] segments)
    {
        FieldPath path = FieldPath.Parse(text);
        Assert.Equal(segments, path.Segments);
        Assert.Equal(FieldPathKind.Json, path.Kind);
        Assert.Equal(text.Trim(), path.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a..b")]
    [InlineData(".a")]
    [InlineData("a.")]
    [InlineData(":a")]
    [InlineData("a:")]
    [InlineData("a::b")]
    [InlineData("a.b:")]
    public void Parse_EmptySegment_ThrowsFormatException(string text)
        => Assert.Throws<FormatException>(() => FieldPath.Parse(text));

    [Fact]
    public void Parse_Null_ThrowsArgumentNull()
        => Assert.Throws<ArgumentNullException>(() => FieldPath.Parse(null!));

    [Fact]
    public void Parse_Day_IsDerivedFromTime()
    {
        FieldPath day = FieldPath.Parse("day");
        Assert.Equal(FieldPathKind.Day, day.Kind);
        Assert.Equal(["day"], day.Segments);
    }

    [Fact]
    public void Equals_SameText_Equal()
    {
        Assert.Equal(FieldPath.Parse("context.course_id"), FieldPath.Parse(" context.course_id"));
        Assert.Equal(FieldPath.Parse("a.b").GetHashCode(), FieldPath.Parse("a.b").GetHashCode());
        Assert.NotEqual(FieldPath.Parse("a.b"), FieldPath.Parse("a:b"));
    }
}
