using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// The batch's shared <c>event</c> payloads (<see cref="EventPayloads"/>) must answer as edX's <c>get_event_data</c>
/// does, as <see cref="EdxEventData.TryOpen"/> did for each section alone, and as <see cref="EventBatch.TryGetField"/>
/// reads <c>event.KEY</c>: opened once, asked many times, the same members.
/// </summary>
public sealed class EventPayloadsTests
{
    private const string Head = "\"time\":\"2015-03-01T00:10:27.566487+00:00\",\"username\":\"learner_a\",\"event_type\":\"play_video\","
        + "\"context\":{\"course_id\":\"course-v1:OrgX+C1+2015\",\"user_id\":42}";

    private static readonly string[] s_keys = ["id", "problem_id", "success", "commentable_id", "vote_value", "undo_vote", "target_username", "answers", "a", "b", "x"];

    [Theory]
    // A server event's object, a browser event's string (escaped, padded), an empty string (edX's {}).
    [InlineData("{\"id\":\"v1\",\"a\":{\"b\":1}}", true)]
    [InlineData("\"{\\\"id\\\": \\\"v1\\\", \\\"a\\\": [1, 2]}\"", true)]
    [InlineData("\"  {\\\"id\\\":\\\"v\\\\u00e9\\\"}  \"", true)]
    [InlineData("\"\"", true)]
    // Last duplicate wins, in an object and in a string.
    [InlineData("{\"id\":\"first\",\"id\":\"last\"}", true)]
    [InlineData("\"{\\\"id\\\":\\\"first\\\",\\\"id\\\":\\\"last\\\"}\"", true)]
    // No data: a string cut short, a query string, a list in a string, a number, null, a list.
    [InlineData("\"{\\\"id\\\":\\\"v1\\\",\\\"problem_id\\\":\\\"p\"", false)]
    [InlineData("\"input_a=1&input_b=2\"", false)]
    [InlineData("\"[1,2]\"", false)]
    [InlineData("17", false)]
    [InlineData("null", false)]
    [InlineData("[{\"id\":1}]", false)]
    public void TryOpen_Payload_MatchesGetEventDataAndFieldReads(string payload, bool opened)
    {
        EventBatch batch = Batches.Parse($"{{{Head},\"event\":{payload}}}");
        using var facts = new EventFacts(new ReportFilter(null, null, []), readIp: false);
        _ = facts.Read(batch, out EventPayloads payloads);

        Assert.Equal(opened, payloads.TryOpen(batch, 0, out _));
        AssertSameAsAlone(batch, 0, payloads);
        // Asked again (another section): the remembered answer.
        Assert.Equal(opened, payloads.TryOpen(batch, 0, out _));
        AssertSameAsAlone(batch, 0, payloads);
    }

    [Fact]
    public void TryOpen_NoEventMember_False()
    {
        EventBatch batch = Batches.Parse($"{{{Head}}}");
        using var facts = new EventFacts(new ReportFilter(null, null, []), readIp: false);
        _ = facts.Read(batch, out EventPayloads payloads);

        Assert.False(payloads.TryOpen(batch, 0, out _));
    }

    [Fact]
    public void TryOpen_ManyEvents_EachItsOwnMembersAfterThePoolsGrow()
    {
        // Enough decoded strings to grow the text and field pools past their first size: earlier views stay right.
        var lines = new string[400];
        for (int i = 0; i < lines.Length; i++)
        {
            string members = string.Join(",", Enumerable.Range(0, 20).Select(m => $"\\\"m{m}\\\":\\\"{new string('x', 10)}{i}\\\""));
            lines[i] = $"{{{Head},\"event\":\"{{\\\"id\\\":\\\"video{i}\\\",{members}}}\"}}";
        }

        EventBatch batch = Batches.Parse(lines);
        using var facts = new EventFacts(new ReportFilter(null, null, []), readIp: false);
        _ = facts.Read(batch, out EventPayloads payloads);
        for (int i = 0; i < lines.Length; i++)
        {
            Assert.True(payloads.TryOpen(batch, i, out EdxEventData data));
            Assert.True(data.TryGet("id"u8, out FieldValue id));
            Assert.Equal($"video{i}", id.GetString());
        }

        for (int i = lines.Length - 1; i >= 0; i--)
        {
            Assert.True(payloads.TryOpen(batch, i, out EdxEventData data));
            Assert.True(data.TryGet("m19"u8, out FieldValue last));
            Assert.Equal($"xxxxxxxxxx{i}", last.GetString());
        }
    }

    [Fact]
    public void TryOpen_AnotherBatch_OpensItsOwnPayloads()
    {
        using var facts = new EventFacts(new ReportFilter(null, null, []), readIp: false);
        EventBatch first = Batches.Parse($"{{{Head},\"event\":{{\"id\":\"one\"}}}}");
        EventBatch second = Batches.Parse($"{{{Head},\"event\":\"{{\\\"id\\\":\\\"two\\\"}}\"}}");
        _ = facts.Read(first, out EventPayloads payloads);
        Assert.True(payloads.TryOpen(first, 0, out EdxEventData one));
        Assert.True(one.TryGet("id"u8, out FieldValue id));
        Assert.Equal("one", id.GetString());

        _ = facts.Read(second, out payloads);
        Assert.True(payloads.TryOpen(second, 0, out EdxEventData two));
        Assert.True(two.TryGet("id"u8, out id));
        Assert.Equal("two", id.GetString());
        // The first batch's payloads were forgotten with its facts: asking for them is a caller's error, not a wrong answer.
        Assert.Throws<InvalidOperationException>(() => payloads.TryOpen(first, 0, out _));
    }

    [EdxCorpusFact]
    public void TryOpen_EdxAcceptanceLogs_SameAsEachSectionAlone()
    {
        int opened = 0;
        foreach (string path in Directory.GetFiles(EdxCorpus.Directory!, "*.log"))
        {
            EventBatch batch = Batches.Parse(File.ReadAllLines(path).Where(l => l.Length > 0).ToArray());
            using var facts = new EventFacts(new ReportFilter(null, null, []), readIp: false);
            _ = facts.Read(batch, out EventPayloads payloads);
            for (int i = 0; i < batch.Count; i++)
            {
                opened += payloads.TryOpen(batch, i, out _) ? 1 : 0;
                AssertSameAsAlone(batch, i, payloads);
            }
        }

        Assert.True(opened > 1000, $"only {opened} payloads opened");
    }

    /// <summary>The shared payload against <see cref="EdxEventData.TryOpen"/> and <see cref="EventBatch.TryGetField"/>, member by member.</summary>
    private static void AssertSameAsAlone(EventBatch batch, int i, EventPayloads payloads)
    {
        byte[] buffer = new byte[16];
        TopField[] fields = new TopField[4];
        bool alone = EdxEventData.TryOpen(batch, i, ref buffer, ref fields, out EdxEventData own);
        bool shared = payloads.TryOpen(batch, i, out EdxEventData data);
        Assert.Equal(alone, shared);
        foreach (string key in s_keys)
        {
            byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(key);
            bool found = data.TryGet(utf8, out FieldValue value);
            bool ownFound = own.TryGet(utf8, out FieldValue ownValue);
            Assert.Equal(ownFound, found);
            if (found)
            {
                Assert.Equal(ownValue.Kind, value.Kind);
                Assert.Equal(ownValue.RawJson.ToArray(), value.RawJson.ToArray());
            }

            // EventBatch.TryGetField's own read of event.KEY (its buffers are per thread: compare before the next read).
            bool fieldFound = batch.TryGetField(i, FieldPath.Parse("event." + key), out FieldValue field);
            Assert.Equal(fieldFound, found);
            if (found)
            {
                Assert.Equal(field.Kind, value.Kind);
                Assert.Equal(field.GetString(), value.GetString());
            }
        }
    }
}
