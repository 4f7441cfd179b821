using System.Text;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Stages;
using XAnalytics.Stages.Desensitize;

namespace XAnalytics.PublicApi.Tests;

/// <summary>The stock stages and the row sink, through the public API only.</summary>
public sealed class StagesEmbeddingTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-embed-stages-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task RunAsync_DecodeFilterDesensitize_RowsInOrderAndBalanced()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "tracking.log"), string.Join('\n',
            """{"username": "u_a", "event_type": "play_video", "time": "2015-03-01T10:00:00Z", "event": "{\"id\": \"v1\"}"}""",
            """{"username": "u_b", "event_type": "pause_video", "time": "2015-03-01T10:00:01Z", "event": "{\"id\": \"v2\"}"}""",
            """{"username": "u_a", "event_type": "play_video", "time": "2015-03-01T10:00:02Z", "event": "{\"id\": \"v3\"}", "ip": "192.0.2.1"}""",
            """{"username": "u_c", "event_type": "play_video", "time": "2015-03-01T10:00:03Z", "event": {"id": "v4"}, "ip": "192.0.2.1"}""",
            """{"username": "u_a", "event_type": "play_video", "time": "2015-03-01T10:00:04Z", "event": {"id": "v5" """) + "\n");
        PseudonymKey key = PseudonymKey.FromBytes(Encoding.UTF8.GetBytes("public-api-test-key-0123456789"));
        var rows = new List<string?[]>();

        RunResult result = await EventPipeline.RunAsync(
            new PipelineOptions { Source = new() { Inputs = [_dir.FullName] }, Parse = new ParseOptions { RepairTruncated = true } },
            [
                FilterStage.Create(new FilterOptions { EventTypes = ["play_video"] }),
                DecodeBrowserEventStage.Create(),
                DesensitizeStage.Create(new DesensitizeOptions { Key = key }),
            ],
            new FieldRowSink([FieldPath.Parse("username"), FieldPath.Parse("event.id"), FieldPath.Parse("ip")], rows.Add)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(result.Counters.IsBalanced);
        Assert.Equal(1, result.Counters.Filtered);
        Assert.Equal(1, result.Counters.Stages[ParseStage.Name].Fact(ParseStage.RepairedFact));
        string a = key.Pseudonymize("u_a");
        Assert.Equal(new string?[] { a, "v1", null }, rows[0]);
        Assert.Equal(new string?[] { a, "v3", null }, rows[1]);
        Assert.Equal(new string?[] { key.Pseudonymize("u_c"), "v4", null }, rows[2]);
        Assert.Equal(new string?[] { a, "v5", null }, rows[3]);
    }
}
