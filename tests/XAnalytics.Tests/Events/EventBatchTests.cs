using System.Buffers;
using System.Text;
using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Events;

/// <summary>Reading fields out of a parsed batch without building events.</summary>
public sealed class EventBatchTests
{
    private const string Event =
        "{\"username\":\"learner_a\",\"event_type\":\"problem_check\",\"n\":42,\"ok\":true,\"none\":null," +
        "\"context\":{\"course_id\":\"course-v1:Org+Num+Run\",\"module\":{\"display_name\":\"Unit 1\",\"depth\":{\"x\":7}}}," +
        "\"list\":[1,{\"a\":2}],\"event\":\"{\\\"id\\\":1}\"}";

    [Fact]
    public void TryGetField_TopLevelValues_KindAndRawJson()
    {
        using EventBatch batch = Batches.Parse(Event);

        Assert.Equal("learner_a", Get(batch, "username"));
        AssertField(batch, "username", JsonTokenType.String, "\"learner_a\"");
        AssertField(batch, "n", JsonTokenType.Number, "42");
        AssertField(batch, "ok", JsonTokenType.True, "true");
        AssertField(batch, "none", JsonTokenType.Null, "null");
        AssertField(batch, "list", JsonTokenType.StartArray, "[1,{\"a\":2}]");
        AssertField(batch, "context", JsonTokenType.StartObject, "{\"course_id\":\"course-v1:Org+Num+Run\",\"module\":{\"display_name\":\"Unit 1\",\"depth\":{\"x\":7}}}");
        Assert.True(batch.TryGetField(0, FieldPath.Parse("none"), out FieldValue none));
        Assert.True(none.IsNull);
        Assert.Null(none.GetString());
        Assert.False(batch.TryGetField(0, FieldPath.Parse("missing"), out _));
    }

    [Fact]
    public void SetUtf8_RepeatedRewritesPastTheBuffer_EveryEventIntactAndTheBufferBounded()
    {
        // Rewrites append; when the buffer is full only the live events move to the next one, so a batch that
        // every stage rewrites does not keep every version of every event.
        var file = new SourceFile("memory.log", 0, 0, SourceFormat.JsonLines);
        using EventBatch batch = EventBatch.Create(file, 0, 512, 16);
        for (int i = 0; i < 12; i++)
        {
            Assert.True(batch.TryAppend(Encoding.UTF8.GetBytes($"{{\"n\":{i},\"pad\":\"\"}}"), i + 1));
        }

        batch.IsParsed = true;
        batch.BeginIndex(64);
        for (int i = 0; i < 12; i++)
        {
            batch.SetUtf8(i, Encoding.UTF8.GetBytes($"{{\"n\":{i},\"pad\":\"\"}}"));
        }

        for (int round = 1; round <= 40; round++)
        {
            for (int i = 0; i < 12; i++)
            {
                batch.SetUtf8(i, Encoding.UTF8.GetBytes($"{{\"n\":{i},\"pad\":\"{new string('x', (round * 7) + i)}\"}}"));
            }

            // A span of the batch's own buffer handed back to it, as a stage may do.
            batch.SetUtf8(0, batch.GetUtf8(0));
            for (int i = 0; i < 12; i++)
            {
                Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Get(batch, "n", i));
                Assert.Equal(new string('x', (round * 7) + i), Get(batch, "pad", i));
            }
        }

        // 40 rounds append about 70 KB in all; the live events are under 4 KB.
        Assert.True(batch.BufferBytes <= 16 * 1024, $"a buffer of {batch.BufferBytes} bytes for {batch.Utf8Bytes} bytes of live events");
    }

    [Fact]
    public void TryGetField_NestedPath_FindsValue()
    {
        using EventBatch batch = Batches.Parse(Event);

        Assert.Equal("course-v1:Org+Num+Run", Get(batch, "context.course_id"));
        Assert.Equal("Unit 1", Get(batch, "context.module.display_name"));
        Assert.Equal("7", Get(batch, "context.module.depth.x"));
        AssertField(batch, "context.module.depth", JsonTokenType.StartObject, "{\"x\":7}");
        Assert.False(batch.TryGetField(0, FieldPath.Parse("context.missing"), out _));
        Assert.False(batch.TryGetField(0, FieldPath.Parse("context.module.missing.x"), out _));
    }

    [Theory]
    [InlineData("username.first")] // through a string
    [InlineData("n.x")] // through a number
    [InlineData("none.x")] // through null
    [InlineData("list.a")] // through an array
    [InlineData("context.course_id.x")] // through a nested string
    [InlineData("event.id.x")] // through a string holding JSON, then through a number
    public void TryGetField_PathThroughNonObject_False(string path)
    {
        using EventBatch batch = Batches.Parse(Event);
        Assert.False(batch.TryGetField(0, FieldPath.Parse(path), out _));
    }

    [Fact]
    public void TryGetField_EscapedKeys_MatchUnescapedPath()
    {
        using EventBatch batch = Batches.Parse("{\"ev\\u0065nt_type\":\"a\",\"con\\u0074ext\":{\"cour\\u0073e_id\":\"c1\"},\"tab\\tkey\":1}");

        Assert.Equal("a", Get(batch, "event_type"));
        Assert.Equal("c1", Get(batch, "context.course_id"));
        Assert.Equal("1", Get(batch, "tab\tkey"));
    }

    [Fact]
    public void TryGetField_EscapedValue_UnescapedOnRequest()
    {
        using EventBatch batch = Batches.Parse("{\"name\":\"caf\\u00e9 \\\"quoted\\\" a\\\\b\",\"plain\":\"café\",\"context\":{\"path\":\"\\/courses\\/x\"}}");

        Assert.True(batch.TryGetField(0, FieldPath.Parse("name"), out FieldValue name));
        Assert.True(name.HasEscapes);
        Assert.Equal("café \"quoted\" a\\b", name.GetString());
        Assert.True(name.ValueEquals(Encoding.UTF8.GetBytes("café \"quoted\" a\\b")));
        Assert.False(name.ValueEquals("caf\\u00e9"u8));
        byte[] copy = new byte[64];
        int n = name.CopyTo(copy);
        Assert.Equal("café \"quoted\" a\\b", Encoding.UTF8.GetString(copy, 0, n));
        Assert.Equal(-1, name.CopyTo(new byte[3]));

        Assert.True(batch.TryGetField(0, FieldPath.Parse("plain"), out FieldValue plain));
        Assert.False(plain.HasEscapes);
        Assert.Equal("café", plain.GetString());
        Assert.Equal("/courses/x", Get(batch, "context.path"));
    }

    [Fact]
    public void TryGetField_DuplicateTopLevelKey_LastWins()
    {
        using EventBatch batch = Batches.Parse("{\"event_type\":\"first\",\"x\":1,\"event_type\":\"last\"}");
        Assert.Equal("last", Get(batch, "event_type"));
    }

    [Fact]
    public void TryGetField_DuplicateNestedKey_LastWins()
    {
        using EventBatch batch = Batches.Parse(
            "{\"context\":{\"course_id\":\"first\",\"x\":1,\"course_id\":\"last\",\"m\":{\"k\":1,\"k\":2}},\"context\":{\"course_id\":\"other\"}}");
        Assert.Equal("other", Get(batch, "context.course_id"));

        using EventBatch nested = Batches.Parse("{\"context\":{\"course_id\":\"first\",\"x\":1,\"course_id\":\"last\",\"m\":{\"k\":1,\"k\":2}}}");
        Assert.Equal("last", Get(nested, "context.course_id"));
        Assert.Equal("2", Get(nested, "context.m.k"));
    }

    [Fact]
    public void TryGetField_ColonPath_KeyWithDot()
    {
        using EventBatch batch = Batches.Parse("{\"event\":{\"some.key\":\"v\",\"element\":\"e\"}}");
        Assert.Equal("v", Get(batch, "event:some.key"));
        Assert.Equal("e", Get(batch, "event:element"));
        Assert.False(batch.TryGetField(0, FieldPath.Parse("event.some.key"), out _));
    }

    [Fact]
    public void TryGetField_SeveralEventsInBatch_EachItsOwnFields()
    {
        using EventBatch batch = Batches.Parse(
            "{\"event_type\":\"a\",\"context\":{\"course_id\":\"c1\"}}",
            "  {\"context\":{},\"event_type\":\"b\"}",
            "\uFEFF{\"event_type\":\"c\",\"context\":{\"course_id\":\"c3\"}}");

        Assert.Equal(3, batch.Count);
        Assert.Equal(["a", "b", "c"], Enumerable.Range(0, 3).Select(i => Get(batch, "event_type", i)));
        Assert.Equal(["c1", null, "c3"], Enumerable.Range(0, 3).Select(i => Get(batch, "context.course_id", i)));
        Assert.Equal([1L, 2L, 3L], Enumerable.Range(0, 3).Select(i => batch.GetLineNumber(i)));
    }

    [Fact]
    public void Parse_RejectedLines_RetainedEventsKeepTheirLineNumbers()
    {
        using EventBatch batch = Batches.Parse(out XAnalytics.Pipeline.RunCounters counters, "{\"a\":1}", "oops", "{\"a\":3}", "[1]", "{\"a\":5}");

        Assert.Equal(3, batch.Count);
        Assert.Equal([1L, 3L, 5L], Enumerable.Range(0, 3).Select(i => batch.GetLineNumber(i)));
        Assert.Equal(["1", "3", "5"], Enumerable.Range(0, 3).Select(i => Get(batch, "a", i)));
        Assert.Equal(2, counters.Rejected);
        Assert.Equal(3, counters.Events);
    }

    [Fact]
    public void TryGetField_UnparsedBatch_Throws()
    {
        using EventBatch batch = EventBatch.Create(new SourceFile("m.log", 0, 0, SourceFormat.JsonLines), 0, 1024, 4);
        Assert.True(batch.TryAppend(new ReadOnlySequence<byte>("{\"a\":1}"u8.ToArray()), 1));
        Assert.Throws<InvalidOperationException>(() => batch.TryGetField(0, FieldPath.Parse("a"), out _));
    }

    [Fact]
    public void TryGetField_IndexOutOfRange_Throws()
    {
        using EventBatch batch = Batches.Parse("{\"a\":1}");
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.TryGetField(1, FieldPath.Parse("a"), out _));
    }

    [Fact]
    public void Retain_DropsUnflaggedInOrder()
    {
        using EventBatch batch = Batches.Parse("{\"a\":1}", "{\"a\":2}", "{\"a\":3}", "{\"a\":4}");

        Assert.Equal(2, batch.Retain([true, false, false, true]));

        Assert.Equal(["1", "4"], Enumerable.Range(0, batch.Count).Select(i => Get(batch, "a", i)));
        Assert.Throws<ArgumentException>(() => batch.Retain([true]));
    }

    [Fact]
    public void TryAppend_LineLargerThanBuffer_EmptyBatchGrowsFullBatchDeclines()
    {
        using EventBatch batch = EventBatch.Create(new SourceFile("m.log", 0, 0, SourceFormat.JsonLines), 0, 1024, 4);
        byte[] big = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 5000) + "\"}");

        Assert.True(batch.TryAppend(new ReadOnlySequence<byte>(big), 1));
        Assert.Equal(big, batch.GetUtf8(0).ToArray());
        Assert.False(batch.TryAppend(new ReadOnlySequence<byte>(big), 2));
    }

    private static string? Get(EventBatch batch, string path, int index = 0)
        => batch.TryGetField(index, FieldPath.Parse(path), out FieldValue value) ? value.GetString() : null;

    private static void AssertField(EventBatch batch, string path, JsonTokenType kind, string raw)
    {
        Assert.True(batch.TryGetField(0, FieldPath.Parse(path), out FieldValue value), path);
        Assert.Equal(kind, value.Kind);
        Assert.Equal(raw, Encoding.UTF8.GetString(value.RawJson));
    }
}
