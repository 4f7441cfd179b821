using XAnalytics.Stages;
using static XAnalytics.Tests.Stages.StageHarness;

namespace XAnalytics.Tests.Stages;

public sealed class RemoveRedundantStageTests
{
    [Fact]
    public async Task Process_RepeatedContextFields_DroppedOthersKept()
    {
        string output = await RunOneAsync(
            """{"username": "u_alpha", "ip": "10.0.0.1", "context": {"username": "u_alpha", "ip": "10.0.0.2", "course_id": "c1", "course_user_tags": {"xp": "a"}}, "event": {}}""",
            RemoveRedundantStage.Create());

        AssertJson("""{"username": "u_alpha", "ip": "10.0.0.1", "context": {"ip": "10.0.0.2", "course_id": "c1"}, "event": {}}""", output);
    }

    [Fact]
    public async Task Process_ContextEmptied_ContextDropped()
    {
        string output = await RunOneAsync(
            """{"username": "u_\u0062eta", "n": {"a": 1}, "context": {"username": "u_beta", "n": {"a":1}, "course_user_tags": {}}}""",
            RemoveRedundantStage.Create());

        AssertJson("""{"username": "u_beta", "n": {"a": 1}}""", output);
    }

    [Fact]
    public async Task Process_NothingRedundant_EventUntouched()
    {
        const string line = """{"username": "u_gamma",  "context": {"course_id": "c1"}}""";

        (List<string> output, XAnalytics.Pipeline.RunResult result) = await RunAsync([line], [RemoveRedundantStage.Create()]);

        Assert.Equal(line, Assert.Single(output)); // byte for byte: not rewritten
        Assert.Equal(0, result.Counters.Stages[RemoveRedundantStage.Name].Changed);
    }

    [Fact]
    public async Task Process_DeepContainersWrittenDifferently_ComparedWithoutFailing()
    {
        // Nested deeper than JsonDocument's default limit (64) but within the parse stage's (256), and spaced
        // differently, so the comparison has to parse them: equal ones are redundant, others kept.
        string deep = new string('[', 80) + "1" + new string(']', 80);
        string spaced = new string('[', 80) + " 1 " + new string(']', 80);
        string other = new string('[', 80) + "2" + new string(']', 80);
        string output = await RunOneAsync(
            "{\"a\": " + deep + ", \"b\": " + deep + ", \"context\": {\"a\": " + spaced + ", \"b\": " + other + "}}",
            RemoveRedundantStage.Create());

        AssertJson("{\"a\": " + deep + ", \"b\": " + deep + ", \"context\": {\"b\": " + other + "}}", output);
    }
}
