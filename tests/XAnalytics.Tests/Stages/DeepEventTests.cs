using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Stages;
using XAnalytics.Stages.Desensitize;
using XAnalytics.Tests.TestSupport;
using static XAnalytics.Tests.Stages.StageHarness;

namespace XAnalytics.Tests.Stages;

/// <summary>
/// Events nested deeper than System.Text.Json's default limit (64) but within the parse stage's (256) are valid
/// input: every stock stage and aggregate must take them without failing the run. Two such crashes were found (a
/// nested field read, and a comparison in <see cref="RemoveRedundantStage"/>) before these tests.
/// </summary>
public sealed class DeepEventTests
{
    private static readonly PseudonymKey s_key = PseudonymKey.FromBytes("0123456789abcdef0123456789abcdef"u8);

    private static string Nested(int depth, string inner = "1") => new string('[', depth) + inner + new string(']', depth);

    /// <summary>Objects nested <paramref name="depth"/> deep, a <c>username</c> innermost (which desensitizing must find).</summary>
    private static string DeepObject(int depth) => string.Concat(Enumerable.Repeat("{\"k\":", depth)) + "{\"username\":\"u_alpha\"}" + new string('}', depth);

    /// <summary>Deep values at the top level, in context (twice, written differently), in the event object and in a browser event's JSON string.</summary>
    private static readonly string[] s_lines =
    [
        "{\"username\":\"u_alpha\",\"event_type\":\"problem_check\",\"event_source\":\"server\",\"time\":\"2015-03-01T00:00:00+00:00\","
            + "\"a\":" + Nested(150) + ",\"b\":" + Nested(150) + ","
            + "\"context\":{\"course_id\":\"course-v1:OrgX+C1+2015\",\"user_id\":7,\"a\":" + Nested(150, " 1 ") + ",\"b\":" + Nested(150, "2") + ",\"deep\":" + DeepObject(120) + "},"
            + "\"event\":{\"answers\":" + Nested(200) + ",\"user\":" + DeepObject(150) + "}}",
        "{\"username\":\"u_beta\",\"event_type\":\"seq_goto\",\"event_source\":\"browser\",\"time\":\"2015-03-01T00:00:01+00:00\","
            + "\"context\":{\"course_id\":\"course-v1:OrgX+C1+2015\",\"user_id\":8},"
            + "\"event\":\"{\\\"deep\\\":" + Nested(200, "{\\\"username\\\":\\\"u_beta\\\"}") + ",\\\"old\\\":1}\"}",
    ];

    public static TheoryData<string> Stages => ["decode", "redundant", "truncate", "filter", "desensitize", "desensitize-strict"];

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task Stage_DeepEvents_PassWithoutFailingTheRun(string name)
    {
        IEventStage stage = name switch
        {
            "decode" => DecodeBrowserEventStage.Create(),
            "redundant" => RemoveRedundantStage.Create(),
            "truncate" => TruncateStage.Create(new TruncateOptions { MaxLength = 10 }),
            "filter" => FilterStage.Create(new FilterOptions { Courses = ["course-v1:OrgX+C1+2015"], Users = ["u_alpha", "u_beta"] }),
            "desensitize" => DesensitizeStage.Create(new DesensitizeOptions { Key = s_key }),
            _ => DesensitizeStage.Create(new DesensitizeOptions { Key = s_key, Profile = DesensitizeProfile.Strict }),
        };

        (List<string> output, RunResult result) = await RunAsync(s_lines, [stage]);

        Assert.Equal(0, result.Counters.Rejected);
        Assert.Equal(s_lines.Length, output.Count);
        if (name.StartsWith("desensitize", StringComparison.Ordinal))
        {
            Assert.All(output, line => Assert.DoesNotContain("u_alpha", line, StringComparison.Ordinal));
            Assert.All(output, line => Assert.DoesNotContain("u_beta", line, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("context.a")]
    [InlineData("context.deep.k.k.k")]
    [InlineData("event.user.k")]
    [InlineData("event.answers")]
    [InlineData("a")]
    public void TryGetField_DeepValues_Found(string path)
    {
        EventBatch batch = Batches.Parse(s_lines);
        Assert.True(batch.TryGetField(0, FieldPath.Parse(path), out FieldValue value));
        Assert.True(value.RawJson.Length > 100);
    }

    [Fact]
    public async Task Aggregates_DeepEvents_CountedAndDescribed()
    {
        using var dir = new TempDir();
        dir.WriteText("in/tracking.log", string.Join('\n', s_lines) + "\n");
        var count = new CountAggregate([FieldPath.Parse("context.a"), FieldPath.Parse("event_type")]);
        var schema = new SchemaAggregate();
        RunResult first = await EventPipeline.RunAsync(Run.Options([dir.PathOf("in")]), [], new AggregateSink<CountTable>(count)).WaitAsync(Run.Timeout);
        RunResult second = await EventPipeline.RunAsync(Run.Options([dir.PathOf("in")]), [], new AggregateSink<SchemaPartial>(schema)).WaitAsync(Run.Timeout);

        Assert.Equal(2, first.Counters.Events);
        Assert.Equal(2, count.Result!.Rows!.Count);
        Assert.Equal(2, second.Counters.Events);
    }
}
