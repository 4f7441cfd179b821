using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Formats.Json;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Events;

/// <summary>The layout a stage's writer hands to the batch is the one a parse would find, and a wrong one is caught.</summary>
public sealed class WrittenLayoutTests
{
    [Fact]
    public void CopyTo_BuilderLayout_SameFieldsAsAParse()
    {
        using EventBatch batch = Batches.Parse("""{"a": 1}""");
        Utf8JsonBuilder output = Utf8JsonBuilder.ForThread(0);
        output.StartObject();
        output.PropertyRaw("\"event_type\""u8);
        output.StringValue("play_\"video\""u8);
        output.PropertyRaw("\"context\""u8);
        output.StartObject();
        output.PropertyRaw("\"course_id\""u8);
        output.ValueRaw("\"x\""u8);
        output.EndObject();
        output.PropertyRaw("\"n\""u8);
        output.ValueRaw("-1.5e3"u8);
        output.EndObject();

        Assert.True(output.TryGetTopFields(out _));
        batch.SetUtf8(0, output); // verified against a parse (VerifyWrittenLayouts is on in the tests)

        Assert.True(batch.TryGetField(0, FieldPath.Parse("context.course_id"), out FieldValue course));
        Assert.Equal("x", course.GetString());
        Assert.True(batch.TryGetField(0, FieldPath.Parse("event_type"), out FieldValue type));
        Assert.True(type.HasEscapes);
        Assert.Equal("play_\"video\"", type.GetString());
    }

    [Fact]
    public void SetUtf8Indexed_WrongLayout_Throws()
    {
        using EventBatch batch = Batches.Parse("""{"a": 1}""");
        var wrong = new TopField { KeyOffset = 2, KeyLength = 1, ValueOffset = 5, ValueLength = 2, Kind = JsonTokenType.Number };

        Assert.Throws<InvalidOperationException>(() => batch.SetUtf8Indexed(0, """{"a":1}"""u8, [wrong]));
    }

    [Fact]
    public void TryGetTopFields_WholeLineAppended_NotUsable()
    {
        Utf8JsonBuilder output = Utf8JsonBuilder.ForThread(0);
        output.Append("""{"a":1}"""u8);

        Assert.False(output.TryGetTopFields(out _));
    }
}
