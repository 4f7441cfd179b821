using System.Buffers;
using System.Text;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Stages;

namespace XAnalytics.Tests.Events;

public class EventBatchFieldTests
{
    private static EventBatch Parsed(params string[] lines)
    {
        var batch = EventBatch.Create(new SourceFile("t.log", 0, 0, SourceFormat.JsonLines), 0);
        for (int i = 0; i < lines.Length; i++)
        {
            Assert.True(batch.TryAppend(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(lines[i])), i + 1));
        }

        var counters = new RunCounters(1, 0);
        var context = new StageContext(1, 2, false, counters, new RejectLog(null, counters), CancellationToken.None);
        return ParseStage.Parse(batch, context, counters.ForStage(ParseStage.Name));
    }

    private static string? Get(EventBatch batch, string path)
        => batch.TryGetField(0, FieldPath.Parse(path), out FieldValue v) ? v.GetString() ?? Encoding.UTF8.GetString(v.RawJson) : null;

    [Theory]
    [InlineData("a", "1")]
    [InlineData("username", "u")]
    [InlineData("event_type", "t")]
    [InlineData("event_typf", null)]
    [InlineData("event_source", "server")]
    [InlineData("event_sourcex", null)]
    [InlineData("event_sourc", null)]
    [InlineData("event", null)]
    public void TryGetField_KeysSharingPrefixes_FindsOnlyTheExactKey(string key, string? expected)
    {
        using EventBatch batch = Parsed("""{"a":1,"username":"u","event_type":"t","event_source":"server","event_typeX":"no"}""");
        Assert.Equal(expected, Get(batch, key));
    }

    [Fact]
    public void TryGetField_EscapedKey_MatchesItsUnescapedText()
    {
        using EventBatch batch = Parsed("""{"event\u005ftype":"escaped","x":1}""");
        Assert.Equal("escaped", Get(batch, "event_type"));
    }

    [Fact]
    public void TryGetField_DuplicatedLongKey_LastWins()
    {
        using EventBatch batch = Parsed("""{"event_source":"first","event_source":"last"}""");
        Assert.Equal("last", Get(batch, "event_source"));
    }

    [Fact]
    public void TryGetField_NestedPathUnderLongKey_Found()
    {
        using EventBatch batch = Parsed("""{"context_extra":{"course_id":"x"},"context":{"course_id":"c"}}""");
        Assert.Equal("c", Get(batch, "context.course_id"));
        Assert.Equal("x", Get(batch, "context_extra.course_id"));
    }
}
